"""Real servers on loopback that speak the protocols of the remote services Sinergi talks to."""
