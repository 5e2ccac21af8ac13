# The multipart parser's libFuzzer target (fuzz/multipart_fuzz.cc), on its own so it merges
# with the parsers' fuzz/CMakeLists.txt: there, add `include(multipart.cmake)` (the target
# links mammocad_server, built with the fuzzing flags of -DMAMMOCAD_FUZZ=ON like the rest).
# Seeds: `python3 fuzz/multipart_seeds.py DIR`. Run: build-fuzz/fuzz/fuzz_multipart DIR
# -max_total_time=60 (a minute in CI; an hour or more by hand).
add_executable(fuzz_multipart ${CMAKE_CURRENT_LIST_DIR}/multipart_fuzz.cc)
target_link_libraries(fuzz_multipart PRIVATE mammocad_server)
target_link_options(fuzz_multipart PRIVATE -fsanitize=fuzzer)
