<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>AccountDialog</name>
    <message numerus="yes">
        <source>You have %n unused recovery codes.</source>
        <translation>
            <numerusform>You have %n unused recovery code.</numerusform>
            <numerusform>You have %n unused recovery codes.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>AuditView</name>
    <message numerus="yes">
        <source>%n events shown (newest first, at most %1).</source>
        <translation>
            <numerusform>%n event shown (newest first, at most %1).</numerusform>
            <numerusform>%n events shown (newest first, at most %1).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported %n events.</source>
        <translation>
            <numerusform>Exported %n event.</numerusform>
            <numerusform>Exported %n events.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Intact: all %n events are unchanged and none is missing.</source>
        <translation>
            <numerusform>Intact: the %n event is unchanged and none is missing.</numerusform>
            <numerusform>Intact: all %n events are unchanged and none is missing.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DashboardView</name>
    <message numerus="yes">
        <source>%n of %1 active users (%2%) have set up two-step sign-in; %3 exempt.</source>
        <translation>
            <numerusform>%n of %1 active users (%2%) has set up two-step sign-in; %3 exempt.</numerusform>
            <numerusform>%n of %1 active users (%2%) have set up two-step sign-in; %3 exempt.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n failed sign-ins or second steps in the last 24 hours.</source>
        <translation>
            <numerusform>%n failed sign-in or second step in the last 24 hours.</numerusform>
            <numerusform>%n failed sign-ins or second steps in the last 24 hours.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>That is %n days after the deadline.</source>
        <translation>
            <numerusform>That is %n day after the deadline.</numerusform>
            <numerusform>That is %n days after the deadline.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>EntryDialog</name>
    <message numerus="yes">
        <source>%n codes found.</source>
        <translation>
            <numerusform>%n code found.</numerusform>
            <numerusform>%n codes found.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FingerprintsDialog</name>
    <message numerus="yes">
        <source>Good. %n more touches.</source>
        <translation>
            <numerusform>Good. %n more touch.</numerusform>
            <numerusform>Good. %n more touches.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ImportUsersDialog</name>
    <message numerus="yes">
        <source>Imported %n users. Temporary passwords (shown only now):</source>
        <translation>
            <numerusform>Imported %n user. Temporary password (shown only now):</numerusform>
            <numerusform>Imported %n users. Temporary passwords (shown only now):</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>KeySignInsDialog</name>
    <message numerus="yes">
        <source>%n sign-ins on the key.</source>
        <translation>
            <numerusform>%n sign-in on the key.</numerusform>
            <numerusform>%n sign-ins on the key.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>Signed out in %n seconds without use. Move the mouse to stay.</source>
        <translation>
            <numerusform>Signed out in %n second without use. Move the mouse to stay.</numerusform>
            <numerusform>Signed out in %n seconds without use. Move the mouse to stay.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>You were signed out after %n minutes without use.</source>
        <translation>
            <numerusform>You were signed out after %n minute without use.</numerusform>
            <numerusform>You were signed out after %n minutes without use.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SecurityKeyPanel</name>
    <message numerus="yes">
        <source>Set; %n tries left before the key blocks it.</source>
        <translation>
            <numerusform>Set; %n try left before the key blocks it.</numerusform>
            <numerusform>Set; %n tries left before the key blocks it.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Room for %n more sign-ins.</source>
        <translation>
            <numerusform>Room for %n more sign-in.</numerusform>
            <numerusform>Room for %n more sign-ins.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SignInPage</name>
    <message numerus="yes">
        <source>Too many attempts. Try again in %n seconds.</source>
        <translation>
            <numerusform>Too many attempts. Try again in %n second.</numerusform>
            <numerusform>Too many attempts. Try again in %n seconds.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>UsersView</name>
    <message numerus="yes">
        <source>%Ln users</source>
        <translation>
            <numerusform>%Ln user</numerusform>
            <numerusform>%Ln users</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>VaultDialog</name>
    <message numerus="yes">
        <source>Only %n codes left. Make new codes at the service soon.</source>
        <translation>
            <numerusform>Only %n code left. Make new codes at the service soon.</numerusform>
            <numerusform>Only %n codes left. Make new codes at the service soon.</numerusform>
        </translation>
    </message>
</context>
</TS>
