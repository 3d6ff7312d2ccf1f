from .accuracy import accuracy, model_rollback, model_rules_only, model_train
from .decide import accept
from .panel import panel_context

__all__ = ["accept", "accuracy", "model_rollback", "model_rules_only", "model_train", "panel_context"]
