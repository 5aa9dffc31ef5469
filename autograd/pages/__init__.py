"""Pictures and pages: Graphviz drawings (`draw`, `render`), the step-by-step page
(`stepper`), the practice page and printable worksheets. The pages' HTML, CSS and
JavaScript are package data files beside this module, in ``static/``.
"""
