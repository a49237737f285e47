# nas_target_use_torch(<target>)
#
# Makes <target> a LibTorch target of this project: links torch and nas::torch, adds
# TORCH_CXX_FLAGS, and reuses the ONE precompiled <torch/torch.h> built by nas_torch_pch,
# which turns the ~40 s compile of a torch-including file into a few seconds.
#
# GCC accepts a precompiled header only when the flags that shape it match, so every torch
# target gets the same ones: position-independent code, hidden visibility (the plugins' own
# setting; libnas_torch exports its API explicitly), TORCH_CXX_FLAGS. With ccache as the
# launcher, the pch is cached only with sloppiness pch_defines,time_macros (ccache's manual),
# so these targets run ccache with CCACHE_SLOPPINESS set.

# Flags shared by the pch target, libnas_torch and every user (they must agree).
function(_nas_torch_flags target)
  find_package(Torch REQUIRED QUIET) # imported targets are per directory: find them here
  separate_arguments(_torch_flags UNIX_COMMAND "${TORCH_CXX_FLAGS}")
  target_compile_options(${target} PRIVATE ${_torch_flags})
  get_target_property(_type ${target} TYPE)
  if(_type STREQUAL "INTERFACE_LIBRARY")
    message(FATAL_ERROR "nas_target_use_torch(${target}): needs a target that compiles sources")
  endif()
  # -fPIC everywhere: CMake would give executables -fPIE (and Debian's GCC defaults to PIE),
  # which GCC refuses to mix with a -fPIC header ("created and used with different settings
  # of -fpie"). PIC objects link into a PIE executable fine.
  if(_type STREQUAL "EXECUTABLE")
    target_compile_options(${target} PRIVATE -fPIC)
  else()
    set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  endif()
  set_target_properties(${target} PROPERTIES
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_link_libraries(${target} PRIVATE ${TORCH_LIBRARIES})
  if(CMAKE_CXX_COMPILER_LAUNCHER MATCHES "ccache")
    set_property(TARGET ${target} PROPERTY CXX_COMPILER_LAUNCHER
      ${CMAKE_COMMAND} -E env CCACHE_SLOPPINESS=pch_defines,time_macros
      ${CMAKE_CXX_COMPILER_LAUNCHER})
  endif()
endfunction()

# The precompiled <torch/torch.h>, built once (nas_torch_pch) and reused by every torch target.
function(_nas_torch_use_pch target)
  if(NAS_TORCH_PCH AND TARGET nas_torch_pch)
    target_precompile_headers(${target} REUSE_FROM nas_torch_pch)
  endif()
endfunction()

function(nas_target_use_torch target)
  _nas_torch_flags(${target})
  target_link_libraries(${target} PRIVATE nas::torch)
  _nas_torch_use_pch(${target})
endfunction()
