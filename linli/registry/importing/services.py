"""Use cases of Excel imports: upload, background check, commit all-or-nothing, discard, the error file.

Views and tasks call these functions only. The upload is refused at once when the file itself is unusable
(size, not an xlsx, a bomb, a used range beyond the caps, headers, merged cells, too many rows): ``reader``
checks all but the headers before any parser; the header rows are parsed in a child process under a memory
limit (``worker``, docs/adr/0010). Otherwise an ``ImportJob`` keeps the file encrypted and the background task
parses and checks every row (``run_validation``). Committing re-reads the file and re-checks every row against
the database inside ONE transaction, writing in bulk as it goes; the first error stops the writing, the rest of
the file is still checked for the report, and the transaction is rolled
back — nothing is written unless every row is valid.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterator

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.areas.models import Place
from linli.core import audit, crypto
from linli.core.paths import common_path
from linli.core.permissions import Action, may_any, require_at, restrict
from linli.orgs.models import Organisation
from linli.registry.models import Household, ImportIssue, ImportJob, ImportKind, ImportStatus, Resident

from .columns import SPECS
from .committer import COMMITTERS
from .messages import Refusal, render
from .reader import ERROR_HEADER, MB, Sheet, limit
from .validators import VALIDATORS, Result

log = logging.getLogger(__name__)

MODELS = {ImportKind.RESIDENTS: Resident, ImportKind.HOUSEHOLDS: Household, ImportKind.ORGANISATIONS: Organisation}
ISSUE_BATCH = 1000
PROGRESS_EVERY = 1000


class _Rollback(Exception):
    pass


def kinds_for(user) -> list[tuple[str, str]]:
    """The import kinds ``user`` may use (they may add that kind of record somewhere)."""
    return [(k, str(label)) for k, label in ImportKind.choices if may_any(user, MODELS[k], Action.ADD)]


def jobs(user):
    """The user's own import jobs (the chokepoint lets each binding see its own user's jobs only)."""
    return restrict(ImportJob.objects.all(), user, Action.VIEW).defer("file_data").order_by("-created_at", "-id")


def job_for(user, pk) -> ImportJob | None:
    return jobs(user).filter(pk=pk).first()


def _file(job: ImportJob) -> bytes:
    data = ImportJob.objects.filter(pk=job.pk).values_list("file_data", flat=True).first()
    if not data:
        raise Refusal("empty_file")
    return crypto.fernet().decrypt(bytes(data))


def _sheet(job: ImportJob, data: bytes) -> Sheet:
    return Sheet(data, SPECS[job.kind])


# -- upload ---------------------------------------------------------------------------------------------


@transaction.atomic
def import_upload(*, actor, kind: str, upload, place: Place | None = None) -> ImportJob:
    """Store an uploaded workbook as a new job after the whole-file checks; the rows are checked later."""
    if kind not in SPECS:
        raise ValidationError({"kind": _("Select a valid choice.")})
    model = MODELS[kind]
    if not may_any(actor, model, Action.ADD):
        raise PermissionDenied(_("You may not import these records."))
    if place is not None:
        require_at(actor, Action.ADD, model, place.path)
    size = getattr(upload, "size", None) or 0
    max_mb = limit("LINLI_IMPORT_MAX_MB")
    if size > max_mb * MB:
        raise ValidationError({"file": render("too_big", {"size": f"{size / MB:.1f}", "limit": max_mb})})
    data = upload.read(max_mb * MB + 1)
    try:
        sheet = Sheet(data, SPECS[kind])
    except Refusal as refusal:
        raise ValidationError({"file": str(refusal)}) from None
    job = ImportJob.objects.create(
        kind=kind,
        created_by=actor,
        scope_path=place.path if place else "",
        file_name=(getattr(upload, "name", "") or "upload.xlsx")[-200:],
        file_size=len(data),
        file_sha256=hashlib.sha256(data).hexdigest(),
        file_data=crypto.fernet().encrypt(data),
        total_rows=sheet.total_rows,
    )
    audit.record(
        actor=actor,
        action="create",
        obj=job,
        after=audit.snapshot(job),
        scope_path=job.scope_path,
        note=f"upload {kind}: {sheet.total_rows} rows",
    )
    return job


def start_validation(job: ImportJob) -> None:
    from linli.registry import tasks

    tasks.validate_import.enqueue(job.pk)


# -- the background check -------------------------------------------------------------------------------


def _progress(job_id: int):
    def report(n: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(rows_done=n)

    return report


def _issues(job: ImportJob, results: list[Result]) -> list[ImportIssue]:
    return [ImportIssue(job=job, row=r.number, label=r.label, errors=r.errors) for r in results]


def run_validation(job_id: int) -> str:
    """Check every row of a pending job; store the problems; the job ends valid, invalid or refused."""
    job = ImportJob.objects.defer("file_data").select_related("created_by").filter(pk=job_id).first()
    if job is None or job.status != ImportStatus.PENDING:
        return "skipped"
    job.status, job.started_at, job.rows_done = ImportStatus.VALIDATING, timezone.now(), 0
    job.save(update_fields=["status", "started_at", "rows_done", "updated_at"])  # message_code kept: "conflict"
    job.issues.all().delete()
    try:
        sheet = _sheet(job, _file(job))
        ImportJob.objects.filter(pk=job.pk).update(total_rows=sheet.total_rows)
        validator = VALIDATORS[job.kind](user=job.created_by, sheet=sheet, scope_path=job.scope_path)
        ok = bad = 0
        pending: list[Result] = []
        for res in validator.validate(sheet.rows(progress=_progress(job.pk), every=PROGRESS_EVERY)):
            if res.errors:
                bad += 1
                pending.append(res)
                if len(pending) >= ISSUE_BATCH:
                    ImportIssue.objects.bulk_create(_issues(job, pending))
                    pending = []
            else:
                ok += 1
        if pending:
            ImportIssue.objects.bulk_create(_issues(job, pending))
        if ok + bad == 0:
            raise Refusal("no_rows")
        _finish(
            job,
            ImportStatus.VALID if bad == 0 else ImportStatus.INVALID,
            valid_rows=ok,
            error_rows=bad,
            rows_done=ok + bad,
            total_rows=ok + bad,
        )
    except Refusal as refusal:
        _finish(job, ImportStatus.FAILED, message_code=refusal.code, message_params=refusal.params)
    except Exception:
        log.exception("import %s: validation failed", job.pk)
        _finish(job, ImportStatus.FAILED, message_code="internal_error", message_params={})
    return ImportJob.objects.values_list("status", flat=True).get(pk=job.pk)


def _finish(job: ImportJob, status: str, **fields) -> None:
    fields.update(status=status, finished_at=timezone.now(), updated_at=timezone.now())
    ImportJob.objects.filter(pk=job.pk).update(**fields)
    for key, value in fields.items():
        setattr(job, key, value)


# -- commit ---------------------------------------------------------------------------------------------


def request_commit(*, actor, job: ImportJob) -> ImportJob:
    """Mark a valid job for import (the task does the work). Only its uploader, only once."""
    job = job_for(actor, job.pk)
    if job is None:
        raise PermissionDenied(_("You do not have permission to do this."))
    if job.status != ImportStatus.VALID:
        raise ValidationError(render("not_valid"))
    if job.scope_path:
        require_at(actor, Action.ADD, MODELS[job.kind], job.scope_path)
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.VALID).update(
        status=ImportStatus.COMMITTING, rows_done=0, started_at=timezone.now(), updated_at=timezone.now()
    )
    if not claimed:
        raise ValidationError(render("already_running"))
    job.status = ImportStatus.COMMITTING
    return job


def start_commit(job: ImportJob) -> None:
    from linli.registry import tasks

    tasks.commit_import.enqueue(job.pk)


def _batches(results: Iterator[Result], size: int) -> Iterator[list[Result]]:
    batch: list[Result] = []
    for res in results:
        batch.append(res)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def run_commit(job_id: int) -> str:
    """Re-check every row and write them all in one transaction, or nothing."""
    job = ImportJob.objects.defer("file_data").select_related("created_by").filter(pk=job_id).first()
    if job is None or job.status != ImportStatus.COMMITTING:
        return "skipped"
    actor = job.created_by
    problems: list[Result] = []
    ok = 0
    try:
        sheet = _sheet(job, _file(job))
        with transaction.atomic():
            validator = VALIDATORS[job.kind](user=actor, sheet=sheet, scope_path=job.scope_path, committing=True)
            committer = COMMITTERS[job.kind](user=actor, job=job)
            validator.prefetch()
            committer.prepare(validator)
            validator.before_query = committer.pause
            try:
                for batch in _batches(validator.validate(sheet.rows()), ISSUE_BATCH):
                    bad = [r for r in batch if r.errors]
                    ok += len(batch) - len(bad)
                    problems += bad
                    if not problems:
                        committer.write(batch)
                committer.pause()
            except BaseException:
                committer.abort()
                raise
            if problems or ok == 0:
                raise _Rollback
            committer.finish()
            now = timezone.now()
            counts = {
                "created_count": committer.created,
                "updated_count": committer.updated,
                "unchanged_count": committer.unchanged,
            }
            _finish(
                job,
                ImportStatus.COMMITTED,
                committed_at=now,
                rows_done=ok,
                valid_rows=ok,
                error_rows=0,
                file_data=b"",
                **counts,
            )
            audit.record(
                actor=actor,
                action="import",
                obj=job,
                scope_path=job.scope_path or common_path(committer.paths),
                note=(
                    f"import #{job.pk} {job.kind} from {job.file_name}: {ok} rows, {committer.created} created, "
                    f"{committer.updated} updated, {committer.unchanged} unchanged"
                ),
            )
    except _Rollback:
        job.issues.all().delete()
        for chunk in range(0, len(problems), ISSUE_BATCH):
            ImportIssue.objects.bulk_create(_issues(job, problems[chunk : chunk + ISSUE_BATCH]))
        if ok == 0 and not problems:
            _finish(job, ImportStatus.FAILED, message_code="no_rows", message_params={})
        else:
            _finish(job, ImportStatus.INVALID, valid_rows=ok, error_rows=len(problems), rows_done=ok + len(problems))
    except IntegrityError:
        # A uniqueness rule of the database (one active record per document number, household numbers …)
        # refused a row: someone registered the same person since the check. Nothing was written; check the
        # file again so that the preview says which rows.
        log.info("import %s: a unique constraint refused the commit; checking again", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.PENDING, message_code="conflict", message_params={}
        )
        run_validation(job.pk)
    except Refusal as refusal:
        _finish(job, ImportStatus.FAILED, message_code=refusal.code, message_params=refusal.params)
    except Exception:
        log.exception("import %s: commit failed", job.pk)
        _finish(job, ImportStatus.FAILED, message_code="internal_error", message_params={})
    return ImportJob.objects.values_list("status", flat=True).get(pk=job.pk)


@transaction.atomic
def discard(*, actor, job: ImportJob) -> ImportJob:
    """Throw an unimported job away: its file and its problem list are deleted."""
    job = job_for(actor, job.pk)
    if job is None:
        raise PermissionDenied(_("You do not have permission to do this."))
    if job.status in (ImportStatus.COMMITTING, ImportStatus.COMMITTED, ImportStatus.VALIDATING):
        raise ValidationError(_("This import cannot be discarded now."))
    job.issues.all().delete()
    _finish(job, ImportStatus.DISCARDED, file_data=b"")
    audit.record(actor=actor, action="delete", obj=job, scope_path=job.scope_path, note="discard")
    return job


def purge_old_files(days: int = 7) -> int:
    """Delete the stored files of jobs not imported within ``days`` (they hold personal numbers)."""
    cutoff = timezone.now() - dt.timedelta(days=days)
    stale = (
        ImportJob.objects.filter(created_at__lt=cutoff)
        .exclude(file_data=b"")
        .exclude(status__in=[ImportStatus.COMMITTING, ImportStatus.VALIDATING])
    )
    return stale.update(file_data=b"", status=ImportStatus.DISCARDED, updated_at=timezone.now())


# -- the error file -------------------------------------------------------------------------------------


def error_file(*, actor, job: ImportJob):
    """The uploaded rows plus an error column, as a temporary xlsx file (only for the uploader)."""
    from linli.core.xlsx import Book

    job = job_for(actor, job.pk)
    if job is None:
        raise PermissionDenied(_("You do not have permission to do this."))
    sheet = _sheet(job, _file(job))
    spec = SPECS[job.kind]
    header_names = {idx: spec.column(key).header for key, idx in sheet.header.items()}
    width = max(sheet.header.values()) + 1

    def describe(errors: dict) -> str:
        parts = []
        for key, items in errors.items():
            head = spec.column(key).header if key in spec.keys else key
            parts += [f"{head}: {render(code, params)}" for code, params in items]
        return "；".join(parts)

    book = Book()
    ws = book.sheet(spec.sheet)
    ws.append([header_names.get(i) for i in range(width)] + [ERROR_HEADER])
    issues = job.issues.order_by("row").values_list("row", "errors").iterator(chunk_size=2000)
    upcoming = next(issues, None)
    for row in sheet.rows():
        while upcoming is not None and upcoming[0] < row.number:
            upcoming = next(issues, None)
        message = ""
        if upcoming is not None and upcoming[0] == row.number:
            message = describe(upcoming[1])
        cells = list(row.cells[:width]) + [None] * max(0, width - len(row.cells))
        ws.append([*cells, message])
    return book.save()
