"""families/_shared"""
