// Empty: the target nas_torch_pch exists only to build the precompiled <torch/torch.h> that
// every torch target reuses (see NasTorch.cmake).
