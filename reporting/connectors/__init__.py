"""The ServiceNow (push) and Dynamics 365 (pull) connectors; runs are recorded by connectors.runs."""
