; Casusoverleg: installatieprogramma per gebruiker (Inno Setup 6), zonder beheerdersrechten.
;
; Bouwen (op Windows, na PyInstaller; zie packaging/windows/README.md):
;   python packaging\windows\make_icon.py
;   iscc /DAppVersion=0.1.0 packaging\windows\casusoverleg.iss
; Resultaat: dist\casusoverleg-<versie>-windows-setup.exe
;
; Gebouwd en getest op een Windows-runner (.github/workflows/windows.yml), niet op de
; Linux-ontwikkelmachines: dit script is daar nooit gecompileerd.
;
; Wat het doet:
; - installeert de map van PyInstaller (dist\casusoverleg) in {localappdata}\Programs\Casusoverleg;
; - een item in het menu Start voor het venster (casusoverleg-gui.exe), met het pictogram;
; - zet de map op het pad (PATH) van deze gebruiker, zodat `casusoverleg` in een
;   opdrachtprompt werkt: HKCU\Environment\Path, één keer toegevoegd, bij verwijderen weer weg;
; - verwijderen haalt alleen de programmabestanden weg, NOOIT de gegevens (zie [Code]).

#ifndef AppVersion
  #error Geef de versie mee: iscc /DAppVersion=0.1.0 casusoverleg.iss
#endif
; The one-folder bundle that `pyinstaller packaging/casusoverleg.spec` writes (relative to
; this file); override with /DBundleDir=... when it is elsewhere.
#ifndef BundleDir
  #define BundleDir "..\..\dist\casusoverleg"
#endif

[Setup]
; Never change AppId: Windows recognises an update of the same program by it.
AppId={{1DA497A8-7F12-4635-ABEC-B03F7624E541}
AppName=Casusoverleg
AppVersion={#AppVersion}
AppVerName=Casusoverleg {#AppVersion}
AppPublisher=Casusoverleg
; Per user, no administrator: no UAC prompt, and no way to ask for one.
PrivilegesRequired=lowest
DefaultDirName={localappdata}\Programs\Casusoverleg
DisableDirPage=yes
DisableProgramGroupPage=yes
DisableReadyPage=no
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
ShowLanguageDialog=no
OutputDir=..\..\dist
OutputBaseFilename=casusoverleg-{#AppVersion}-windows-setup
SetupIconFile=casusoverleg.ico
UninstallDisplayIcon={app}\casusoverleg.ico
UninstallDisplayName=Casusoverleg
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Tell Explorer (and so new command prompts) that the user's PATH changed at the end of the
; install. (Whether the uninstaller broadcasts too is not checked here; if not, a stale entry
; for the removed folder lingers in Explorer's copy until the next sign-in: harmless.)
ChangesEnvironment=yes
; Close a running Casusoverleg (Restart Manager) before its files are replaced or removed.
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "dutch"; MessagesFile: "compiler:Languages\Dutch.isl"

[Tasks]
Name: "addtopath"; Description: "Opdrachtregelprogramma 'casusoverleg' toevoegen aan het pad (PATH) van deze gebruiker"
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "casusoverleg.ico"; DestDir: "{app}"; Flags: ignoreversion

[Icons]
Name: "{autoprograms}\Casusoverleg"; Filename: "{app}\casusoverleg-gui.exe"; WorkingDir: "{app}"; IconFilename: "{app}\casusoverleg.ico"; Comment: "Casusadministratie, overleggen, agenda's en verslagen"
Name: "{autodesktop}\Casusoverleg"; Filename: "{app}\casusoverleg-gui.exe"; WorkingDir: "{app}"; IconFilename: "{app}\casusoverleg.ico"; Tasks: desktopicon

[Run]
Filename: "{app}\casusoverleg-gui.exe"; Description: "{cm:LaunchProgram,Casusoverleg}"; Flags: nowait postinstall skipifsilent

; THE STORE AND THE BACKUPS ARE NEVER DELETED.
; They live in the user's data folder from platformdirs.user_data_dir("casusoverleg"):
; %LOCALAPPDATA%\casusoverleg\ (the command line, appauthor=False) and, before issue 14 made
; window and command line use one folder, %LOCALAPPDATA%\casusoverleg\casusoverleg\ (the
; window); automatic backups go to "backups" beside the store or to a folder the user chose.
; None of these is inside {app} ({localappdata}\Programs\Casusoverleg).
; This script therefore has NO [UninstallDelete] and NO [InstallDelete] section, and none may be
; added: the uninstaller removes only the files [Files] put in {app} (and {app} itself once it
; is empty), the shortcuts, and this program's entry in the user's PATH.
; tests/unit/test_windows_packaging.py fails when either section appears.

[Code]
const
  EnvKey = 'Environment';

function SameDir(const A, B: String): Boolean;
var
  X, Y: String;
begin
  X := Lowercase(Trim(A));
  Y := Lowercase(Trim(B));
  if (Length(X) > 3) and (X[Length(X)] = '\') then X := Copy(X, 1, Length(X) - 1);
  if (Length(Y) > 3) and (Y[Length(Y)] = '\') then Y := Copy(Y, 1, Length(Y) - 1);
  Result := X = Y;
end;

{ Path without every entry that is Dir (case-insensitive, with or without a trailing \);
  Found says whether there was one. Other entries keep their text and order. }
function PathWithout(const Path, Dir: String; var Found: Boolean): String;
var
  Rest, Entry: String;
  P: Integer;
begin
  Result := '';
  Found := False;
  Rest := Path;
  while Rest <> '' do
  begin
    P := Pos(';', Rest);
    if P = 0 then
    begin
      Entry := Rest;
      Rest := '';
    end
    else
    begin
      Entry := Copy(Rest, 1, P - 1);
      Rest := Copy(Rest, P + 1, Length(Rest));
    end;
    if SameDir(Entry, Dir) then
      Found := True
    else if Trim(Entry) <> '' then
    begin
      if Result <> '' then Result := Result + ';';
      Result := Result + Entry;
    end;
  end;
end;

{ Append Dir to the user's Path once (an update or a second install adds nothing). The value
  stays REG_EXPAND_SZ so that entries such as %USERPROFILE%\bin keep working. }
procedure AddToUserPath(const Dir: String);
var
  Path, Unused: String;
  Found: Boolean;
begin
  if not RegQueryStringValue(HKEY_CURRENT_USER, EnvKey, 'Path', Path) then Path := '';
  Unused := PathWithout(Path, Dir, Found);
  if Found then Exit;
  if (Path <> '') and (Path[Length(Path)] <> ';') then Path := Path + ';';
  if not RegWriteExpandStringValue(HKEY_CURRENT_USER, EnvKey, 'Path', Path + Dir) then
    Log('Kon het pad (PATH) van de gebruiker niet aanpassen');
end;

procedure RemoveFromUserPath(const Dir: String);
var
  Path, Rest: String;
  Found: Boolean;
begin
  if not RegQueryStringValue(HKEY_CURRENT_USER, EnvKey, 'Path', Path) then Exit;
  Rest := PathWithout(Path, Dir, Found);
  if not Found then Exit;
  if Rest = '' then
    RegDeleteValue(HKEY_CURRENT_USER, EnvKey, 'Path')
  else
    RegWriteExpandStringValue(HKEY_CURRENT_USER, EnvKey, 'Path', Rest);
end;

procedure CurStepChanged(CurStep: TSetupStep);
begin
  if (CurStep = ssPostInstall) and WizardIsTaskSelected('addtopath') then
    AddToUserPath(ExpandConstant('{app}'));
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if CurUninstallStep = usUninstall then
    RemoveFromUserPath(ExpandConstant('{app}'));
end;
