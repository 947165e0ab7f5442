"""SF Express route pushes and route-query answers."""
