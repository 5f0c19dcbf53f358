"""The attention implementations the demos build on.

:mod:`.reference` (NumPy, the reference every implementation is checked against),
:mod:`.torch_attention` (PyTorch modules, checked against PyTorch's own) and
:mod:`.pretrained_encoder` (our encoder code reading a pretrained model's weights).
"""
