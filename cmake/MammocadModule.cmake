# mammocad_module(): one layer of mammocad as its own static library.
#
#   mammocad_module(NAME detector
#     SOURCES    a.cc b.cc                 (explicit: no globbing, so a new file is a reviewed change)
#     INTERFACE  detector/stages_api.h     (headers under src/ that other modules may include;
#                                           include/mammocad/ headers are listed in OWNS)
#     OWNS       mammocad/detector.h       (public headers this module implements)
#     DEPENDS    mammocad_core             (PUBLIC: used in this module's headers)
#     PRIVATE_DEPENDS PkgConfig::OPENJPEG  (used only in its .cc files))
#
# The module's mammocad dependencies and interface are written to
# ${PROJECT_BINARY_DIR}/modules/<name>.txt, which the layering test (scripts/check_layers.py,
# ctest `layers`) reads: no file may include a header of a module it does not link, nor a
# header under src/ that its module does not list as INTERFACE.
function(mammocad_module)
  cmake_parse_arguments(M "" "NAME" "SOURCES;INTERFACE;OWNS;DEPENDS;PRIVATE_DEPENDS" ${ARGN})
  set(target mammocad_${M_NAME})
  add_library(${target} STATIC ${M_SOURCES})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/include ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${target} PUBLIC ${M_DEPENDS} PRIVATE ${M_PRIVATE_DEPENDS})
  mammocad_record_module(${M_NAME} "${M_DEPENDS};${M_PRIVATE_DEPENDS}" "${M_INTERFACE}" "${M_OWNS}")
endfunction()

# Writes the layering record of a module or a test binary (see above).
function(mammocad_record_module name links interface owns)
  set(deps "")
  foreach(link ${links})
    if(link MATCHES "^mammocad_(.+)$" AND NOT link STREQUAL "mammocad_opencv")
      list(APPEND deps ${CMAKE_MATCH_1})
    endif()
  endforeach()
  file(RELATIVE_PATH dir ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR})
  string(REPLACE ";" " " deps "${deps}")
  string(REPLACE ";" " " interface "${interface}")
  string(REPLACE ";" " " owns "${owns}")
  file(WRITE ${PROJECT_BINARY_DIR}/modules/${name}.txt
       "dir ${dir}\ndeps ${deps}\ninterface ${interface}\nowns ${owns}\n")
endfunction()

# mammocad_tests(NAME detector SOURCES ... LINKS ... LABEL unit [DATA]): one GoogleTest binary
# of a module's *_test.cc files, its tests discovered into ctest with the given label.
function(mammocad_tests)
  cmake_parse_arguments(T "" "NAME;LABEL" "SOURCES;LINKS" ${ARGN})
  set(target mammocad_${T_NAME}_tests)
  add_executable(${target} ${T_SOURCES})
  target_link_libraries(${target} PRIVATE ${T_LINKS} GTest::gtest_main)
  target_compile_definitions(${target} PRIVATE
    MAMMOCAD_SHARED_DATA_DIR="${PROJECT_SOURCE_DIR}/../shared/data"
    MAMMOCAD_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  gtest_discover_tests(${target} DISCOVERY_TIMEOUT 60
    PROPERTIES LABELS ${T_LABEL}
               ENVIRONMENT "MAMMOCAD_SHARED_DATA_DIR=${PROJECT_SOURCE_DIR}/../shared/data")
  mammocad_record_module(${T_NAME}_tests "${T_LINKS}" "" "")
endfunction()
