# Generates core/version_generated.cpp at build time with the git revision, so
# `upt --version` never reports a stale revision; copy_if_different avoids churn.
set(UPT_VERSION_IN "${CMAKE_CURRENT_LIST_DIR}/version_generated.cpp.in")
set(UPT_VERSION_OUT "${CMAKE_BINARY_DIR}/generated/version_generated.cpp")
add_custom_target(upt_version_gen
  COMMAND ${CMAKE_COMMAND} -DSRC_DIR=${CMAKE_SOURCE_DIR} -DIN=${UPT_VERSION_IN}
          -DOUT=${UPT_VERSION_OUT} -DVERSION=${PROJECT_VERSION}
          -P ${CMAKE_CURRENT_LIST_DIR}/version_script.cmake
  BYPRODUCTS ${UPT_VERSION_OUT}
  COMMENT "upt: stamping git revision")
