# nas_target_use_torch(<target> [TORCH_ONLY])
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
# A precompiled header applies to every source of a target, and loading it costs ~5 s, so the
# sources that include no torch header (directly: <torch/...>, <ATen/...>, <c10/...>, or
# libnas_torch's ops, network, training, checkpoint and supernet headers) skip it and stay fast. A source that
# reaches torch only through a header of its own compiles correctly, just without the pch.
function(_nas_torch_use_pch target)
  if(NOT NAS_TORCH_PCH OR NOT TARGET nas_torch_pch)
    return()
  endif()
  target_precompile_headers(${target} REUSE_FROM nas_torch_pch)
  get_target_property(_sources ${target} SOURCES)
  get_target_property(_dir ${target} SOURCE_DIR)
  foreach(_src ${_sources})
    get_filename_component(_path ${_src} ABSOLUTE BASE_DIR ${_dir})
    if(NOT _path MATCHES "\\.(cpp|cc|cxx)$" OR NOT EXISTS ${_path})
      continue()
    endif()
    file(STRINGS ${_path} _torch_includes REGEX
      "^[ \t]*#[ \t]*include[ \t]*[<\"](torch/|ATen/|c10/|nas/torch/(ops|network|training|checkpoint|supernet)\\.hpp)")
    if(NOT _torch_includes)
      set_source_files_properties(${_src} PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
    endif()
  endforeach()
endfunction()

# TORCH_ONLY: torch and the shared header, without libnas_torch (a plugin that builds no
# networks, e.g. a GP or a controller written directly against torch).
function(nas_target_use_torch target)
  cmake_parse_arguments(ARG "TORCH_ONLY" "" "" ${ARGN})
  _nas_torch_flags(${target})
  if(NOT ARG_TORCH_ONLY)
    target_link_libraries(${target} PRIVATE nas::torch)
  endif()
  _nas_torch_use_pch(${target})
endfunction()
