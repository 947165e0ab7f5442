"""MongoDB storage of trackers, number aliases and parked scans."""
