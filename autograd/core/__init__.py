"""The engine: the op table (`ops`), `Value` and its backward pass (`engine`), the shared
graph walks (`graph`), ``grad`` and ``gradcheck`` (`derivatives`), the compiler
(`compiler`), how numbers and names are written for people (`notation`), and safe file
writing (`files`).

Nothing here imports the teaching tools, the pages or the command line.
"""
