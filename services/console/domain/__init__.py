"""Pure rules of the console: lag, status, alerts, masking, roles, replay and the pipeline read model."""
