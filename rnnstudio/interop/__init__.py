"""Interop: other tools' files and frameworks. No Qt; each heavy library (torch, onnx) is
imported only inside its own module, so ``import rnnstudio.interop`` stays light.

    from rnnstudio.interop import graphml, snns          # networkx / plain text
    from rnnstudio.interop import torch as rt            # extra [torch]
    from rnnstudio.interop import onnx as ro             # extra [onnx]
"""
