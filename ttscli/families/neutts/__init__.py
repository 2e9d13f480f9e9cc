"""families/neutts"""
