@echo off
rem SPDX-License-Identifier: MIT
rem
rem build-msvc.cmd: builds every chapter's Win32 programs with Microsoft's
rem cl, for students who have Visual Studio.  Run it from a "Developer
rem Command Prompt for VS" (or "x64 Native Tools Command Prompt"), at the
rem top of the kit:
rem
rem     build-msvc.cmd [OUTDIR]
rem
rem The programs go to OUTDIR\NN-name\NAME.exe (OUTDIR is _msvc at the top
rem of the kit unless given).  The helper library lib\ is built once, as
rem OUTDIR\uds.lib.  The programs and their sources are found by the kit's
rem convention (docs/authoring.md), so a new chapter needs no change here:
rem
rem   * a program is a samples\NN-name\win32\*.c with a line that begins
rem     "int main(" (the tests' helper programs there are built too);
rem   * a part is code that programs are compiled with: another win32\*.c
rem     of the chapter (chapter 03's start.c), or a samples\NN-name\NAME.c
rem     with NAME.h beside it, code both platforms share (chapter 02's
rem     address.c).  A samples\NN-name\*.c without a header is a Linux test
rem     peer: never built here;
rem   * a program is compiled with the parts it uses, found by its
rem     #include "..." lines: a part NAME.c is used when "NAME.h" is
rem     included; a part without a header of its own is used with the
rem     headers (or .c files) it includes itself (chapter 08's ends.c and
rem     pump.c go with relay.h; chapter 06's peer-token.c, which includes
rem     chapter 04's token.c, with token.h).  The includes of the program,
rem     of the headers and .c files it includes and of the parts it uses
rem     are all followed, so chapter 07's chat-server takes room.c and,
rem     through room.h, buffers.c, and its chat-client takes none.
rem
rem Every program links ws2_32, advapi32 (tokens, chapters 04 and 06) and
rem shell32 (command lines, chapter 06): the linker takes from an import
rem library only what a program calls.
rem
rem Needs Visual Studio 2022 17.5 or later (C11 atomics, /std:c11).
rem Written for the kit's windows-latest CI job; see README.md for whether a
rem run of it with the real cl has been seen.  tests/build-msvc.test runs it
rem in cmd.exe with stand-ins for cl and lib and compares what it builds
rem with what Automake builds for Windows.  It keeps to what Wine's cmd
rem also runs: no "where" (Wine's is a stub that finds nothing and exits
rem 0), no quoted wildcards in "for" (Wine's finds no file), no
rem !VAR:x=y! (Wine's does not replace), no "||" after a program (Wine's
rem runs what follows even when the program succeeded).
setlocal enabledelayedexpansion
set "TOP=%~dp0"
set "TOP=%TOP:~0,-1%"
set "OUT=%TOP%\_msvc"
if not "%~1"=="" set "OUT=%~f1"
set "CL_EXE="
for %%X in (cl.exe) do set "CL_EXE=%%~$PATH:X"
if not defined CL_EXE (
    echo build-msvc: cl is not on PATH: run this from a Developer Command Prompt for VS 1>&2
    exit /b 1
)
set CFLAGS=/nologo /std:c11 /experimental:c11atomics /W3 /utf-8 /D_WIN32_WINNT=0x0A00 /DWIN32_LEAN_AND_MEAN /D_CRT_SECURE_NO_WARNINGS /D_WINSOCK_DEPRECATED_NO_WARNINGS /I"%TOP%\lib"
set LIBS=ws2_32.lib advapi32.lib shell32.lib
set FAILED=0
if not exist "%OUT%\lib" mkdir "%OUT%\lib"

echo build-msvc: lib\uds.lib
cl %CFLAGS% /c /Fo"%OUT%\lib\\" "%TOP%\lib\uds_common.c" "%TOP%\lib\uds_report.c" "%TOP%\lib\uds_win32.c"
if errorlevel 1 goto :libfail
lib /nologo /OUT:"%OUT%\uds.lib" "%OUT%\lib\uds_common.obj" "%OUT%\lib\uds_report.obj" "%OUT%\lib\uds_win32.obj"
if errorlevel 1 goto :libfail

for /f "delims=" %%N in ('dir /b /ad "%TOP%\samples"') do if exist "%TOP%\samples\%%N\win32\*.c" call :chapter "%TOP%\samples\%%N" "%%N"
if "%FAILED%"=="1" goto :failed
echo build-msvc: done; the programs are in %OUT%
exit /b 0

:failed
echo build-msvc: some programs did not build ^(see above^) 1>&2
exit /b 1

:libfail
echo build-msvc: the helper library did not build 1>&2
exit /b 1

rem The subroutines are written in short lines, without blocks in
rem parentheses inside a "for", a "for" inside a one-line "for", or
rem !VAR%%I!; a value that may hold < or > (a system's #include <x.h>) is
rem only passed quoted from a "for" variable and compared with "if", never
rem with "if not": Wine's cmd mis-parses each of those (tried with Wine
rem 8.0).  Reading C lines with "for /f", Wine's cmd says "Syntax error"
rem for some of them (those with < or > among their first words): that
rem noise goes to 2>nul.

rem :chapter DIR NAME: sorts the chapter's files into programs (PROGn) and
rem parts (PARTn, used with the names KEYSn), then builds each program.
:chapter
set "CH=%~1"
set "CHNAME=%~2"
set NPROGS=0
set NPARTS=0
for /f "delims=" %%F in ('dir /b /a-d "%CH%\*.c" 2^>nul') do if exist "%CH%\%%~nF.h" call :addpart "%CH%\%%F" "%%~nF"
for /f "delims=" %%F in ('dir /b /a-d "%CH%\win32\*.c"') do call :sort "%CH%\win32\%%F"
if not exist "%OUT%\%CHNAME%\obj" mkdir "%OUT%\%CHNAME%\obj"
for /l %%I in (1,1,%NPROGS%) do call :program %%I
goto :eof

rem :sort FILE: a program (a line begins "int main("), or a part.
:sort
set "ISMAIN="
call :sort_main "%~1" 2>nul
if defined ISMAIN set /a NPROGS+=1
if defined ISMAIN set "PROG%NPROGS%=%~1"
if defined ISMAIN goto :eof
if exist "%CH%\%~n1.h" goto :sort_own
if exist "%CH%\win32\%~n1.h" goto :sort_own
rem No header of its own: it goes with the names it includes.
set "KEYS="
call :sort_includes "%~1" 2>nul
if defined KEYS goto :sort_keys
echo build-msvc: %CHNAME%\win32\%~nx1 has no main and includes nothing: not built 1>&2
goto :eof
:sort_keys
call :addpart "%~1" %KEYS%
goto :eof
:sort_own
call :addpart "%~1" "%~n1"
goto :eof
:sort_main
for /f "usebackq tokens=1,2 delims=( " %%A in ("%~1") do if "%%A"=="int" if "%%B"=="main" set ISMAIN=1
goto :eof
:sort_includes
for /f "usebackq tokens=1,2" %%A in ("%~1") do if "%%A"=="#include" call :sort_key "%%~B" "%%~xB"
goto :eof
:sort_key
if "%~2"==".h" set KEYS=%KEYS% "%~n1"
if "%~2"==".c" set KEYS=%KEYS% "%~n1"
goto :eof

rem :addpart FILE NAME...: a part, used when one of the NAMEs is included.
:addpart
set /a NPARTS+=1
set "PART%NPARTS%=%~1"
set "KEYS%NPARTS%="
:addpart_key
shift
if "%~1"=="" goto :eof
set "KEYS%NPARTS%=!KEYS%NPARTS%! %~1"
goto :addpart_key

rem :program N: finds the parts program N uses, then compiles and links it.
:program
setlocal
set "MAIN=!PROG%1!"
for %%P in ("%MAIN%") do set "EXE=%%~nP"
set "SRCS="
call :scan "%MAIN%" 2>nul
:program_more
set "MORE="
for /l %%I in (1,1,%NPARTS%) do call :program_part %%I
if defined MORE goto :program_more
echo build-msvc: %CHNAME%\%EXE%.exe
cl %CFLAGS% /I"%CH%" /I"%CH%\win32" /Fo"%OUT%\%CHNAME%\obj\\" /Fe"%OUT%\%CHNAME%\%EXE%.exe" "%MAIN%" %SRCS% "%OUT%\uds.lib" %LIBS%
if errorlevel 1 goto :program_failed
endlocal
goto :eof
:program_failed
endlocal
set FAILED=1
goto :eof
rem :program_part N: part N, when one of its names is used and it is not
rem taken yet: taken, and scanned for the names it uses in turn.
:program_part
if defined TAKEN%1 goto :eof
set "USED="
set "KEYS=!KEYS%1!"
for %%K in (%KEYS%) do if defined USE_%%~K set USED=1
if not defined USED goto :eof
set TAKEN%1=1
set MORE=1
set SRCS=%SRCS% "!PART%1!"
call :scan "!PART%1!" 2>nul
goto :eof

rem :scan FILE: marks every name FILE includes as used (USE_NAME) and
rem scans each included file of the chapter not scanned yet.
:scan
for /f "usebackq tokens=1,2" %%A in ("%~1") do if "%%A"=="#include" call :include "%~1" "%%~B" "%%~xB"
goto :eof

rem :include FILE NAME EXT: FILE includes "NAME" (EXT is .h or .c; not a
rem system's <NAME.h>, whose EXT is .h>), looked for as the compiler
rem does: beside FILE, then in the chapter and its
rem win32\ (the library's uds.h is not scanned).
:include
if "%~3"==".h" goto :include_name
if "%~3"==".c" goto :include_name
goto :eof
:include_name
set "USE_%~n2=1"
if defined SEEN_%~nx2 goto :eof
set "SEEN_%~nx2=1"
set "FOUND="
if exist "%~dp1%~2" set "FOUND=%~dp1%~2"
if not defined FOUND if exist "%CH%\%~2" set "FOUND=%CH%\%~2"
if not defined FOUND if exist "%CH%\win32\%~2" set "FOUND=%CH%\win32\%~2"
if defined FOUND call :scan "%FOUND%"
goto :eof
