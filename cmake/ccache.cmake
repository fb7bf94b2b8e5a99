# ccache as compiler launcher (opt out with -DUPT_CCACHE=OFF).
# CCACHE_SLOPPINESS lets precompiled-header users hit the cache; CCACHE_BASEDIR
# makes paths relative so clones in other folders (as CI makes) share the cache.
if(UPT_CCACHE)
  find_program(UPT_CCACHE_PROGRAM ccache)
  if(UPT_CCACHE_PROGRAM)
    set(CMAKE_C_COMPILER_LAUNCHER "${CMAKE_COMMAND};-E;env;CCACHE_BASEDIR=${CMAKE_SOURCE_DIR};CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime;${UPT_CCACHE_PROGRAM}")
    set(CMAKE_CXX_COMPILER_LAUNCHER "${CMAKE_C_COMPILER_LAUNCHER}")
    message(STATUS "upt: using ccache at ${UPT_CCACHE_PROGRAM}")
  endif()
endif()
