"""families/sherpa"""
