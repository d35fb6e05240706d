"""The monthly program report a manager sends upward: gathered once, written as MD, XLSX or PDF."""
