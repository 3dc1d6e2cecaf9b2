@echo off
rem SPDX-License-Identifier: MIT
rem
rem build-msvc.cmd: builds every chapter's Win32 programs with Microsoft's
rem cl, for students who have Visual Studio.  Run it from a "Developer
rem Command Prompt for VS" (or "x64 Native Tools Command Prompt"), at the
rem top of the kit:
rem
rem     build-msvc.cmd
rem
rem The programs go to _msvc\NN-name\NAME.exe.  It finds them by the kit's
rem convention, so a new chapter needs no change here:
rem   samples\NN-name\win32\*.c   one program each;
rem   samples\NN-name\NAME.c      code both platforms share, when NAME.h is
rem                               next to it (chapter 02's address.c):
rem                               compiled into every program of the chapter.
rem   samples\NN-name\win32\PART.c  with PART.h in the chapter or in win32\:
rem                               a part of the programs (chapter 07's
rem                               start.c), compiled into each, not a program.
rem   (A samples\NN-name\*.c without a header is a Linux test peer: skipped.)
rem The helper library lib\ is built once, as _msvc\uds.lib.
rem
rem Needs Visual Studio 2022 17.5 or later (C11 atomics, /std:c11).
rem Written for the kit's windows-latest CI job; see README.md for whether a
rem run of it has been seen.
setlocal enabledelayedexpansion
set "TOP=%~dp0"
set "TOP=%TOP:~0,-1%"
set "OUT=%TOP%\_msvc"
where cl >nul 2>nul || (
    echo build-msvc: cl is not on PATH: run this from a Developer Command Prompt for VS 1>&2
    exit /b 1
)
set CFLAGS=/nologo /std:c11 /experimental:c11atomics /W3 /utf-8 /D_WIN32_WINNT=0x0A00 /DWIN32_LEAN_AND_MEAN /D_CRT_SECURE_NO_WARNINGS /D_WINSOCK_DEPRECATED_NO_WARNINGS /I"%TOP%\lib"
set FAILED=0
if not exist "%OUT%\lib" mkdir "%OUT%\lib"

echo build-msvc: lib\uds.lib
cl %CFLAGS% /c /Fo"%OUT%\lib\\" "%TOP%\lib\uds_common.c" "%TOP%\lib\uds_report.c" "%TOP%\lib\uds_win32.c" || goto :libfail
lib /nologo /OUT:"%OUT%\uds.lib" "%OUT%\lib\uds_common.obj" "%OUT%\lib\uds_report.obj" "%OUT%\lib\uds_win32.obj" || goto :libfail

for /d %%C in ("%TOP%\samples\*") do (
    if exist "%%C\win32\*.c" (
        set "SHARED="
        for %%F in ("%%C\*.c") do if exist "%%~dpnF.h" set SHARED=!SHARED! "%%F"
        for %%F in ("%%C\win32\*.c") do (
            if exist "%%C\%%~nF.h" set SHARED=!SHARED! "%%F"
            if exist "%%C\win32\%%~nF.h" set SHARED=!SHARED! "%%F"
        )
        if not exist "%OUT%\%%~nxC\obj" mkdir "%OUT%\%%~nxC\obj"
        for %%P in ("%%C\win32\*.c") do (
            set "PART="
            if exist "%%C\%%~nP.h" set PART=1
            if exist "%%C\win32\%%~nP.h" set PART=1
            if not defined PART (
                echo build-msvc: %%~nxC\%%~nP.exe
                cl %CFLAGS% /I"%%C" /I"%%C\win32" /Fo"%OUT%\%%~nxC\obj\\" /Fe"%OUT%\%%~nxC\%%~nP.exe" "%%P" !SHARED! "%OUT%\uds.lib" ws2_32.lib
                if errorlevel 1 set FAILED=1
            )
        )
    )
)
if "%FAILED%"=="1" (
    echo build-msvc: some programs did not build ^(see above^) 1>&2
    exit /b 1
)
echo build-msvc: done; the programs are in %OUT%
exit /b 0

:libfail
echo build-msvc: the helper library did not build 1>&2
exit /b 1
