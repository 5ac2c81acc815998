"""triage-app: injuries in children who are not independently mobile (NIM)."""

__version__ = "0.1.0"
APP_NAME = "triage-app"
ORG_NAME = "triage-app"
APP_ID = "uk.nhs.triage-app"
