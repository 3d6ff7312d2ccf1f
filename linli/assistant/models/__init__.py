from .routing import ModelStatus, RoutingExample, RoutingModel
from .suggestion import Decision, Suggestion

__all__ = ["Decision", "ModelStatus", "RoutingExample", "RoutingModel", "Suggestion"]
