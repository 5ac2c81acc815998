"""Generated forms (see scripts/gen_forms.py). Do not edit."""
