"""Online appointments with reservation key and PIN (the appointments issue builds this package)."""
