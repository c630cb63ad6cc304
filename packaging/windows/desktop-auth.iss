; Inno Setup script: the Windows installer for desktop-auth (see packaging/windows/README.md).
; Build on Windows after PyInstaller made dist\desktop-auth\:
;     iscc packaging\windows\desktop-auth.iss
; Not built here (no Windows).

#define AppName "desktop-auth"
#define AppVersion "0.1.0"

[Setup]
AppId={{7B1C2E0A-5F4D-4C8E-9E3A-2D6B1F0C9A41}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=desktop-auth developers
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
; Per machine: IT deploys it, employees do not install it themselves.
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename={#AppName}-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
SetupIconFile=desktop-auth.ico
UninstallDisplayIcon={app}\desktop-auth.exe
WizardStyle=modern

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
Name: "nl"; MessagesFile: "compiler:Languages\Dutch.isl"

[Files]
Source: "..\..\dist\desktop-auth\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\desktop-auth.exe"
Name: "{commondesktop}\{#AppName}"; Filename: "{app}\desktop-auth.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; Flags: unchecked

[Registry]
; desktop-auth-admin.exe on PATH for the helpdesk's console.
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; \
    ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; \
    Check: NeedsAddPath(ExpandConstant('{app}'))

[Code]
function NeedsAddPath(Folder: string): Boolean;
var
  Path: string;
begin
  if not RegQueryStringValue(HKLM, 'SYSTEM\CurrentControlSet\Control\Session Manager\Environment', 'Path', Path) then
    Result := True
  else
    Result := Pos(';' + Uppercase(Folder) + ';', ';' + Uppercase(Path) + ';') = 0;
end;
