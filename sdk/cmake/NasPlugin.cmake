# nas_add_plugin(<target> SOURCES <src>... [LIBRARIES <lib>...] [OUTPUT_DIR <dir>])
#
# Builds a plugin: a MODULE library with hidden visibility whose only exported symbol is
# `nas_plugin_entry` (a linker version script hides everything else, which also keeps
# libtorch from binding to the plugin's template symbols). Used in-tree and, installed
# with the SDK, by third parties through find_package(NasSdk).
set(_NAS_PLUGIN_CMAKE_DIR ${CMAKE_CURRENT_LIST_DIR})

function(nas_add_plugin target)
  cmake_parse_arguments(ARG "" "OUTPUT_DIR" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "nas_add_plugin(${target}): SOURCES is required")
  endif()
  add_library(${target} MODULE ${ARG_SOURCES})
  if(TARGET nas::sdk)
    target_link_libraries(${target} PRIVATE nas::sdk)
  endif()
  target_link_libraries(${target} PRIVATE ${ARG_LIBRARIES})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  set(_script ${_NAS_PLUGIN_CMAKE_DIR}/nas_plugin.map)
  target_link_options(${target} PRIVATE
    "LINKER:--version-script=${_script}" "LINKER:--no-undefined")
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${_script})
  if(ARG_OUTPUT_DIR)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIR})
  elseif(DEFINED NAS_BUILD_PLUGIN_DIR)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${NAS_BUILD_PLUGIN_DIR})
  endif()
  if(DEFINED NAS_INSTALL_PLUGIN_DIR AND NOT ARG_OUTPUT_DIR)
    install(TARGETS ${target} LIBRARY DESTINATION ${NAS_INSTALL_PLUGIN_DIR})
  endif()
endfunction()
