"""Who is who: people, partner organisations, programs, invitations, and who may see and do what."""
