"""The Python function runtime: ``python3 runtime.py``, configured by the environment (runtimes/README.md).

Standard library only. The work is in the ``serverless_runtime`` package next to this file.
"""

import os
import sys
import time

_STARTED = time.perf_counter()

from serverless_runtime.main import main  # noqa: E402  (the start time is taken first)

# The runtime's own directory must not shadow the function's modules (a function's "main.py" or
# "config.py"): everything of ours is imported by now, and FUNCTION_PATH goes first on sys.path.
if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    del sys.path[0]

if __name__ == "__main__":
    main(_STARTED)
