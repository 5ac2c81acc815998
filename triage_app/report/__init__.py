"""Referral record rendering (ReportLab). Arrives with the referral-record issue; empty until then."""
