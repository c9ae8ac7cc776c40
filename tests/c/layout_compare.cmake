# Compare the table tests/c/abi_layout_table.c prints with the SDK's numbers in tests/sdk/layout.md.
#   native:  cmake -DEXE=<abi_layout_table> -DLAYOUT=tests/sdk/layout.md -DSECTION=x86_64 -P layout_compare.cmake
#   ARM:     cmake -DARM_CC=arm-none-eabi-gcc -DQEMU=qemu-arm -DSRC=tests/c/abi_layout_table.c
#                  -DINCLUDE=include -DWORK=<dir> -DLAYOUT=... -DSECTION="32-bit ARM" -P layout_compare.cmake
# The ARM leg compiles with -mcpu=cortex-a5 (the toolchain layout.md was measured with; newlib with
# semihosting) and runs the program under qemu-arm.
foreach(v LAYOUT SECTION)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "layout_compare.cmake: ${v} is not set")
  endif()
endforeach()

if(DEFINED ARM_CC)
  if(NOT ARM_CC OR NOT QEMU)
    message(FATAL_ERROR "32-bit ARM layout check needs arm-none-eabi-gcc and qemu-arm "
                        "(apt-get install -y gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-user)")
  endif()
  file(MAKE_DIRECTORY "${WORK}")
  set(EXE "${WORK}/abi_layout_table_arm.elf")
  execute_process(
    COMMAND "${ARM_CC}" -mcpu=cortex-a5 -std=c11 -O1 -Wall -Wextra -Werror --specs=rdimon.specs
            -I "${INCLUDE}" "${SRC}" -o "${EXE}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "arm-none-eabi-gcc failed (${rc}):\n${out}${err}")
  endif()
  set(RUN "${QEMU}" -cpu cortex-a15 "${EXE}")
else()
  set(RUN "${EXE}")
endif()

execute_process(COMMAND ${RUN} RESULT_VARIABLE rc OUTPUT_VARIABLE got ERROR_VARIABLE err TIMEOUT 60)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${RUN} failed (${rc}):\n${got}${err}")
endif()

# The ``` block under "## <SECTION>" of layout.md.
file(READ "${LAYOUT}" doc)
string(FIND "${doc}" "## ${SECTION}\n" at)
if(at LESS 0)
  message(FATAL_ERROR "no section '## ${SECTION}' in ${LAYOUT}")
endif()
string(SUBSTRING "${doc}" ${at} -1 doc)
string(FIND "${doc}" "```\n" open)
math(EXPR open "${open} + 4")
string(SUBSTRING "${doc}" ${open} -1 doc)
string(FIND "${doc}" "```" close)
string(SUBSTRING "${doc}" 0 ${close} want)
# mbedtls_time_t belongs to the SDK's mbedtls; this header has no counterpart.
string(REPLACE " sizeof(mbedtls_time_t)=8" "" want "${want}")

string(REPLACE "\r" "" got "${got}")
message(STATUS "layout (${SECTION}) printed by ${EXE}:\n${got}")
if(NOT got STREQUAL want)
  file(WRITE "${CMAKE_CURRENT_BINARY_DIR}/layout_got_${SECTION}.txt" "${got}")
  file(WRITE "${CMAKE_CURRENT_BINARY_DIR}/layout_want_${SECTION}.txt" "${want}")
  message(FATAL_ERROR "layout differs from ${LAYOUT} (${SECTION}); expected:\n${want}")
endif()
message(STATUS "layout (${SECTION}) matches ${LAYOUT}: every member, offset and size")
