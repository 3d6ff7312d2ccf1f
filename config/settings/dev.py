"""Development overlay: the embedded SQLite database and DEBUG on unless told otherwise."""

from .base import env

DEBUG = env.bool("LINLI_DEBUG", default=True)
