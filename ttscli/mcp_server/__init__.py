"""`ttscli mcp`: a Model Context Protocol server on the warm engine (stdio, or streamable HTTP
on loopback).

    server.py  the MCP server: tools, the warm model pool, stdio and HTTP transports
    work.py    what each tool does, in a worker thread: synthesis to the speakers or a file,
               subtitles, progress counting
    places.py  the output directory and the paths tools may write
"""
