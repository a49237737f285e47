# find_package(NasSdk) for plugins built out of tree against an installed SDK:
# gives the nas::sdk target (headers) and nas_add_plugin().
include(CMakeFindDependencyMacro)
find_dependency(nlohmann_json 3.10)
get_filename_component(_nas_sdk_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
if(NOT TARGET nas::sdk)
  add_library(nas::sdk INTERFACE IMPORTED)
  set_target_properties(nas::sdk PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${_nas_sdk_prefix}/include"
    INTERFACE_LINK_LIBRARIES nlohmann_json::nlohmann_json
    INTERFACE_COMPILE_FEATURES cxx_std_17)
endif()
include(${CMAKE_CURRENT_LIST_DIR}/NasPlugin.cmake)
