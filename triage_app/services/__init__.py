"""Use-cases, one transaction each (Qt-free). Arrive with the store issue; empty until then."""
