# Writes a C file holding the schema as strings, so the server carries it and
# needs no files beside it at run time (sql/functions/README.md has the rules):
#   migrations[]   every numbered migration sql/NNN_name.sql, in version order;
#   repeatables[]  the repeatable layer: sql/functions/<area>/*.sql by path (the
#                  functions), then sql/functions/views.sql and last
#                  sql/functions/triggers.sql;
#   repeatables_checksum  SHA-256 over the layer's paths and contents, which
#                  dbsetup records so that an unchanged layer is not applied again.
# Usage: cmake -DSQL_DIR=... -DOUT=... -P embed_sql.cmake
function(bytes_of path out)
  file(READ "${path}" hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  set(${out} "${bytes}0" PARENT_SCOPE)
endfunction()

file(GLOB files "${SQL_DIR}/[0-9][0-9][0-9]_*.sql")
list(SORT files)
set(body "/* Generated from sql/ by cmake/embed_sql.cmake: do not edit. */\n#include \"db/dbsetup.h\"\n\n")
set(table "const struct migration migrations[] = {\n")
set(count 0)
set(previous 0)
foreach(f IN LISTS files)
  get_filename_component(name "${f}" NAME_WE)
  string(SUBSTRING "${name}" 0 3 digits)
  math(EXPR version "${digits}")
  if(NOT version GREATER previous)
    message(FATAL_ERROR "sql/${name}.sql: migration numbers must increase")
  endif()
  set(previous ${version})
  bytes_of("${f}" bytes)
  string(APPEND body "static const char sql_${count}[] = {${bytes}};\n")
  string(APPEND table "\t{${version}, \"${name}\", sql_${count}},\n")
  math(EXPR count "${count} + 1")
endforeach()
if(count EQUAL 0)
  string(APPEND table "\t{0, \"\", \"\"},\n")
endif()
string(APPEND table "};\nconst size_t migrations_count = ${count};\n")

# The layer. A file anywhere else under sql/functions/ would be left out
# silently, so it is refused instead.
set(fdir "${SQL_DIR}/functions")
file(GLOB_RECURSE every RELATIVE "${fdir}" "${fdir}/*.sql")
file(GLOB areas RELATIVE "${fdir}" "${fdir}/*/*.sql")
list(SORT areas)
foreach(f IN LISTS every)
  list(FIND areas "${f}" at)
  if(at EQUAL -1 AND NOT f STREQUAL "views.sql" AND NOT f STREQUAL "triggers.sql")
    message(FATAL_ERROR "sql/functions/${f}: the layer is sql/functions/<area>/*.sql, "
                        "sql/functions/views.sql and sql/functions/triggers.sql; "
                        "nothing else is applied")
  endif()
endforeach()
set(layer ${areas})
foreach(f views.sql triggers.sql)
  if(EXISTS "${fdir}/${f}")
    list(APPEND layer "${f}")
  endif()
endforeach()
string(APPEND table "\nconst struct repeatable repeatables[] = {\n")
set(sums "")
set(count 0)
foreach(f IN LISTS layer)
  bytes_of("${fdir}/${f}" bytes)
  file(SHA256 "${fdir}/${f}" sum)
  string(APPEND sums "${f} ${sum}\n")
  string(APPEND body "static const char layer_${count}[] = {${bytes}};\n")
  string(APPEND table "\t{\"${f}\", layer_${count}},\n")
  math(EXPR count "${count} + 1")
endforeach()
if(count EQUAL 0)
  string(APPEND table "\t{\"\", \"\"},\n")
endif()
string(SHA256 checksum "${sums}")
string(APPEND table "};\nconst size_t repeatables_count = ${count};\n")
string(APPEND table "const char repeatables_checksum[] = \"${checksum}\";\n")

file(WRITE "${OUT}.tmp" "${body}\n${table}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
file(REMOVE "${OUT}.tmp")
