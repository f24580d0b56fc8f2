"""The Serverless Python function runtime. Entry point: ``runtime.py``; wiring: ``main``."""
