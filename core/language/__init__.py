"""Reading and writing people's words: commands, moments, numbers, zones, the message catalog."""
