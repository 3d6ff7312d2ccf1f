"""Settings entry point: ``config.settings``.

``base`` holds everything shared; ``LINLI_ENV`` (development | demo | test | production) picks an overlay.
``demo`` is ``make demo``: DEBUG off, static files served by WhiteNoise, demo accounts allowed, loopback only.
All secrets and deployment facts come from the environment (see docs/deployment.md).
"""

import os

from .base import *  # noqa: F403

_env = os.environ.get("LINLI_ENV", "development")
if _env == "production":
    from .production import *  # noqa: F403
elif _env == "test":
    from .test import *  # noqa: F403
elif _env == "demo":
    from .demo import *  # noqa: F403
else:
    from .dev import *  # noqa: F403
