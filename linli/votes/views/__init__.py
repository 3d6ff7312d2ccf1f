from .staff import decision_list

__all__ = ["decision_list"]
