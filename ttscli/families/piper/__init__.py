"""families/piper"""
