"""The operations layer above the services: the command line, local infrastructure, process supervision
and isolated stacks. It knows every service (through ops.registry); shared/ and the services never import it."""
