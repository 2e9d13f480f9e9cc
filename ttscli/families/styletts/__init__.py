"""families/styletts"""
