# Generated from spec/openapi.yaml by `python -m codegen`; edit the spec, not this file.
"""The model modules, one for each object schema of the spec."""
