from .grid import Grid
from .place import AreaSource, HouseUse, Level, Place

__all__ = ["AreaSource", "Grid", "HouseUse", "Level", "Place"]
