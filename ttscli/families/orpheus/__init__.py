"""families/orpheus"""
