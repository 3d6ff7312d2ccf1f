"""微学习: courses (article, video file or link, PDF), assignments with progress and completion, quizzes.

Per the burden-reduction rules (domain-rules §10) linli records **completion and quiz scores only**: no time on
page, no study hours, no online time. Progress is what the learner reports ("I have read/watched up to …%").
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core.models import BaseModel, ScopedModel
from linli.core.paths import any_subtree_q

STAFF_ROLES = frozenset({"district_admin", "street_staff", "community_secretary", "social_worker"})


class CourseKind(models.TextChoices):
    ARTICLE = "article", _("Article")
    VIDEO = "video", _("Video")
    PDF = "pdf", _("PDF document")


class Course(ScopedModel, BaseModel):
    title = models.CharField(_("title"), max_length=120)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    kind = models.CharField(_("type"), max_length=8, choices=CourseKind.choices, default=CourseKind.ARTICLE)
    body = models.TextField(
        _("text"),
        max_length=50000,
        blank=True,
        help_text=_("Markdown: **bold**, *italic*, lists, headings, links. HTML is not allowed."),
    )
    video_file = models.FileField(_("video file"), upload_to="learning/video/%Y/%m/", blank=True)
    video_url = models.URLField(
        _("video link"), max_length=300, blank=True, help_text=_("An https:// link to the video on a video platform.")
    )
    pdf_file = models.FileField(_("PDF file"), upload_to="learning/pdf/%Y/%m/", blank=True)
    place = models.ForeignKey("areas.Place", verbose_name=_("place"), on_delete=models.PROTECT, related_name="+")
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    pass_score = models.PositiveSmallIntegerField(
        _("pass score"),
        default=60,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Out of 100."),
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("quiz attempts allowed"), default=3, validators=[MaxValueValidator(20)], help_text=_("0 = unlimited.")
    )
    is_published = models.BooleanField(_("published"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    # File fields are not JSON; the audit row's note names the stored files instead.
    audit_exclude = frozenset({"video_file", "pdf_file"})

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    @classmethod
    def scope_q(cls, binding, action: str):
        staff = str(binding.role) in STAFF_ROLES
        q = super().scope_q(binding, action) if staff else None
        if action == "view":
            own = Q(is_published=True, pk__in=Assignment.objects.filter(user_id=binding.user_id).values("course_id"))
            q = own if q is None else q | own
            if staff:
                # Staff read the published courses assigned to people of their place (e.g. a district course
                # studied by their community's members: the score cards link to it), without managing them.
                prefixes = cls.coverage_prefixes(binding)
                assigned = Assignment.objects.filter(any_subtree_q("scope_path", prefixes)) if prefixes else None
                if assigned is not None:
                    q = q | Q(is_published=True, pk__in=assigned.values("course_id"))
        return q

    def clean(self):
        errors = {}
        if self.kind == CourseKind.ARTICLE and not (self.body or "").strip():
            errors["body"] = _("An article needs its text.")
        if self.kind == CourseKind.VIDEO and not (self.video_file or self.video_url):
            errors["video_url"] = _("Upload a video file or give a link.")
        if self.kind == CourseKind.VIDEO and self.video_file and self.video_url:
            errors["video_url"] = _("Either a video file or a link, not both.")
        if self.video_url and not self.video_url.lower().startswith("https://"):
            errors["video_url"] = _("Only https:// links are accepted.")
        if self.kind == CourseKind.PDF and not self.pdf_file:
            errors["pdf_file"] = _("Upload the PDF file.")
        if errors:
            raise ValidationError(errors)


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")


class Question(ScopedModel, BaseModel):
    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    text = models.CharField(_("question"), max_length=500)
    kind = models.CharField(_("type"), max_length=8, choices=QuestionKind.choices, default=QuestionKind.SINGLE)
    options = models.JSONField(_("options"), default=list)
    correct = models.JSONField(_("correct options"), default=list, help_text=_("Indexes of the correct options."))
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    class Meta:
        verbose_name = _("quiz question")
        verbose_name_plural = _("quiz questions")
        ordering = ["course", "position", "id"]

    def __str__(self):
        return self.text

    @classmethod
    def scope_q(cls, binding, action: str):
        q = Course.scope_q(binding, action)
        return None if q is None else Q(course_id__in=Course.objects.filter(q).values("pk"))

    def clean(self):
        errors = {}
        opts = self.options if isinstance(self.options, list) else None
        if (
            not opts
            or not (2 <= len(opts) <= 8)
            or not all(isinstance(o, str) and o.strip() and len(o) <= 200 for o in opts)
        ):
            errors["options"] = _("Give 2 to 8 non-empty options (each at most 200 characters).")
        corr = self.correct if isinstance(self.correct, list) else None
        ints = bool(corr) and all(isinstance(i, int) and not isinstance(i, bool) for i in corr)
        in_range = ints and len(set(corr)) == len(corr) and (not opts or all(0 <= i < len(opts) for i in corr))
        if not in_range:
            errors["correct"] = _("Mark the correct option(s).")
        elif self.kind == QuestionKind.SINGLE and len(corr) != 1:
            errors["correct"] = _("A single-choice question has exactly one correct option.")
        if errors:
            raise ValidationError(errors)


class Assignment(ScopedModel, BaseModel):
    """One learner's assignment of one course, with their progress, completion and best quiz score.

    ``scope_path`` is the learner's branch place when assigned through a branch, otherwise the course's place."""

    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="learning_assignments",
    )
    resident = models.ForeignKey(
        "registry.Resident",
        verbose_name=_("resident"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    via_org = models.ForeignKey(
        "party.PartyOrg",
        verbose_name=_("assigned through branch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    opened_at = models.DateTimeField(_("first opened at"), null=True, blank=True)
    percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0, validators=[MaxValueValidator(100)])
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("quiz attempts"), default=0)
    best_score = models.PositiveSmallIntegerField(_("best score"), null=True, blank=True)
    passed = models.BooleanField(_("quiz passed"), default=False)
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    class Meta:
        verbose_name = _("course assignment")
        verbose_name_plural = _("course assignments")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["course", "user"], name="learning_one_assignment")]
        indexes = [models.Index(fields=["user", "completed_at"], name="learning_user_done_idx")]

    def __str__(self):
        return f"{self.course} · {self.user}"

    @classmethod
    def scope_q(cls, binding, action: str):
        q = super().scope_q(binding, action) if str(binding.role) in STAFF_ROLES else None
        if action in ("view", "change"):
            own = Q(user_id=binding.user_id)
            q = own if q is None else q | own
        return q

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None


class QuizAttempt(ScopedModel, BaseModel):
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    answers = models.JSONField(_("answers"), default=dict)
    correct_count = models.PositiveSmallIntegerField(_("correct answers"))
    question_count = models.PositiveSmallIntegerField(_("questions"))
    score = models.PositiveSmallIntegerField(_("score"))
    passed = models.BooleanField(_("passed"))
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.assignment_id}: {self.score}"

    @classmethod
    def scope_q(cls, binding, action: str):
        q = Assignment.scope_q(binding, action)
        return None if q is None else Q(assignment_id__in=Assignment.objects.filter(q).values("pk"))
