"""families/pocket"""
