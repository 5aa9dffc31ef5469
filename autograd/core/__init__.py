"""The engine: the op table (`ops`), `Value` and its backward pass (`engine`), ``grad`` and
``gradcheck`` (`derivatives`), the compiler (`compiler`), and safe file writing (`files`).

Nothing here imports the teaching tools, the pages or the command line.
"""
