<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="nl" sourcelanguage="en">
<context>
    <name>AccountDialog</name>
    <message>
        <source>never</source>
        <translation>nooit</translation>
    </message>
    <message>
        <source>You have no recovery codes. Make them now: without them, a lost phone or key keeps you out until the helpdesk helps.</source>
        <translation>Je hebt geen herstelcodes. Maak ze nu: zonder herstelcodes kom je bij een verloren telefoon of sleutel niet binnen tot de helpdesk je helpt.</translation>
    </message>
    <message numerus="yes">
        <source>You have %n unused recovery codes.</source>
        <translation>
            <numerusform>Je hebt nog %n ongebruikte herstelcode.</numerusform>
            <numerusform>Je hebt nog %n ongebruikte herstelcodes.</numerusform>
        </translation>
    </message>
    <message>
        <source>That is running low: make new ones.</source>
        <translation>Dat wordt weinig: maak nieuwe.</translation>
    </message>
    <message>
        <source>Add a security key</source>
        <translation>Een beveiligingssleutel toevoegen</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Naam:</translation>
    </message>
    <message>
        <source>Spare key</source>
        <translation>Reservesleutel</translation>
    </message>
    <message>
        <source>Touch your security key now.</source>
        <translation>Raak je beveiligingssleutel nu aan.</translation>
    </message>
    <message>
        <source>The key&apos;s PIN is set. You can add the key now.</source>
        <translation>De pincode van de sleutel is ingesteld. Je kunt de sleutel nu toevoegen.</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>Andere naam</translation>
    </message>
    <message>
        <source>New name:</source>
        <translation>Nieuwe naam:</translation>
    </message>
    <message>
        <source>Remove method</source>
        <translation>Methode verwijderen</translation>
    </message>
    <message>
        <source>Remove “%1”? You can no longer sign in with it.</source>
        <translation>“%1” verwijderen? Je kunt er dan niet meer mee inloggen.</translation>
    </message>
    <message>
        <source>Your password is changed.</source>
        <translation>Je wachtwoord is gewijzigd.</translation>
    </message>
    <message>
        <source>My security settings</source>
        <translation>Mijn beveiligingsinstellingen</translation>
    </message>
    <message>
        <source>&amp;Verification methods</source>
        <translation>&amp;Verificatiemethoden</translation>
    </message>
    <message>
        <source>&amp;Recovery codes</source>
        <translation>&amp;Herstelcodes</translation>
    </message>
    <message>
        <source>&amp;Password</source>
        <translation>&amp;Wachtwoord</translation>
    </message>
    <message>
        <source>&amp;Where you are signed in</source>
        <translation>Waar je bent &amp;aangemeld</translation>
    </message>
    <message>
        <source>Security ke&amp;y</source>
        <translation>Beveiligingssle&amp;utel</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Naam</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Soort</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>Toegevoegd</translation>
    </message>
    <message>
        <source>Last used</source>
        <translation>Laatst gebruikt</translation>
    </message>
    <message>
        <source>Workstation</source>
        <translation>Werkplek</translation>
    </message>
    <message>
        <source>Your verification methods</source>
        <translation>Je verificatiemethoden</translation>
    </message>
    <message>
        <source>&amp;Add an app…</source>
        <translation>App &amp;toevoegen…</translation>
    </message>
    <message>
        <source>Add a security &amp;key…</source>
        <translation>Een beveiligings&amp;sleutel toevoegen…</translation>
    </message>
    <message>
        <source>Security key PIN…</source>
        <translation>Pincode van beveiligingssleutel…</translation>
    </message>
    <message>
        <source>Re&amp;name…</source>
        <translation>Andere &amp;naam…</translation>
    </message>
    <message>
        <source>Re&amp;move</source>
        <translation>Ve&amp;rwijderen</translation>
    </message>
    <message>
        <source>New codes replace the old ones at once: the old sheet stops working. For this you confirm it is you.</source>
        <translation>Nieuwe codes vervangen de oude meteen: het oude blad werkt dan niet meer. Hiervoor bevestig je eerst dat jij het bent.</translation>
    </message>
    <message>
        <source>Make &amp;new recovery codes…</source>
        <translation>&amp;Nieuwe herstelcodes maken…</translation>
    </message>
    <message>
        <source>&amp;Current password:</source>
        <translation>Hui&amp;dig wachtwoord:</translation>
    </message>
    <message>
        <source>Current password</source>
        <translation>Huidig wachtwoord</translation>
    </message>
    <message>
        <source>C&amp;hange password</source>
        <translation>Wachtwoord wij&amp;zigen</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Sluiten</translation>
    </message>
</context>
<context>
    <name>AddAppDialog</name>
    <message>
        <source>Add an authenticator app</source>
        <translation>Een authenticator-app toevoegen</translation>
    </message>
    <message>
        <source>Na&amp;me, so you recognise it later:</source>
        <translation>&amp;Naam, zodat je hem later herkent:</translation>
    </message>
    <message>
        <source>Name of this method</source>
        <translation>Naam van deze methode</translation>
    </message>
    <message>
        <source>Tablet</source>
        <translation>Tablet</translation>
    </message>
    <message>
        <source>Show &amp;QR code</source>
        <translation>QR-&amp;code tonen</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Sluiten</translation>
    </message>
</context>
<context>
    <name>AdminConsole</name>
    <message>
        <source>Administration — desktop-auth</source>
        <translation>Beheer — desktop-auth</translation>
    </message>
    <message>
        <source>&amp;Dashboard</source>
        <translation>&amp;Overzicht</translation>
    </message>
    <message>
        <source>&amp;Users</source>
        <translation>&amp;Gebruikers</translation>
    </message>
    <message>
        <source>&amp;Audit log</source>
        <translation>&amp;Auditlog</translation>
    </message>
    <message>
        <source>&amp;Policy</source>
        <translation>&amp;Beleid</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Sluiten</translation>
    </message>
</context>
<context>
    <name>AppEnrollmentPanel</name>
    <message>
        <source>1. Open your authenticator app (Google Authenticator, Microsoft Authenticator, Authy or Visma Authenticator) and add an account.
2. Scan this QR code with your phone&apos;s camera.</source>
        <translation>1. Open je authenticator-app (Google Authenticator, Microsoft Authenticator, Authy of Visma Authenticator) en voeg een account toe.
2. Scan deze QR-code met de camera van je telefoon.</translation>
    </message>
    <message>
        <source>QR code for your authenticator app</source>
        <translation>QR-code voor je authenticator-app</translation>
    </message>
    <message>
        <source>Cannot scan? Type this key instead:</source>
        <translation>Lukt scannen niet? Typ dan deze sleutel:</translation>
    </message>
    <message>
        <source>Key for typing</source>
        <translation>Sleutel om over te typen</translation>
    </message>
    <message>
        <source>Choose “time based” if the app asks. Spaces do not matter.</source>
        <translation>Kies „op tijd gebaseerd” als de app dat vraagt. Spaties maken niet uit.</translation>
    </message>
    <message>
        <source>3. Type the &amp;code your app now shows:</source>
        <translation>3. Typ de &amp;code die je app nu toont:</translation>
    </message>
    <message>
        <source>Six-digit code from the app</source>
        <translation>Zescijferige code uit de app</translation>
    </message>
    <message>
        <source>✓ That works: your app is set up.</source>
        <translation>✓ Dat werkt: je app is ingesteld.</translation>
    </message>
</context>
<context>
    <name>AppSetupPage</name>
    <message>
        <source>Set up your authenticator app</source>
        <translation>Stel je authenticator-app in</translation>
    </message>
</context>
<context>
    <name>AuditView</name>
    <message>
        <source>Export audit log</source>
        <translation>Auditlog exporteren</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-bestanden (*.csv)</translation>
    </message>
    <message>
        <source>User (e-mail)</source>
        <translation>Gebruiker (e-mail)</translation>
    </message>
    <message>
        <source>Filter by user</source>
        <translation>Filteren op gebruiker</translation>
    </message>
    <message>
        <source>All events</source>
        <translation>Alle gebeurtenissen</translation>
    </message>
    <message>
        <source>Filter by event type</source>
        <translation>Filteren op soort gebeurtenis</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Vanaf</translation>
    </message>
    <message>
        <source>From date</source>
        <translation>Vanaf datum</translation>
    </message>
    <message>
        <source>Until</source>
        <translation>Tot en met</translation>
    </message>
    <message>
        <source>Until date</source>
        <translation>Tot en met datum</translation>
    </message>
    <message>
        <source>&amp;Show</source>
        <translation>&amp;Tonen</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Tijd</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Gebeurtenis</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Door</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Gebruiker</translation>
    </message>
    <message>
        <source>Workstation</source>
        <translation>Werkplek</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Audit events</source>
        <translation>Auditgebeurtenissen</translation>
    </message>
    <message numerus="yes">
        <source>%n events shown (newest first, at most %1).</source>
        <translation>
            <numerusform>%n gebeurtenis getoond (nieuwste eerst, hoogstens %1).</numerusform>
            <numerusform>%n gebeurtenissen getoond (nieuwste eerst, hoogstens %1).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported %n events.</source>
        <translation>
            <numerusform>%n gebeurtenis geëxporteerd.</numerusform>
            <numerusform>%n gebeurtenissen geëxporteerd.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Intact: all %n events are unchanged and none is missing.</source>
        <translation>
            <numerusform>Intact: de %n gebeurtenis is ongewijzigd en er ontbreekt er geen.</numerusform>
            <numerusform>Intact: alle %n gebeurtenissen zijn ongewijzigd en er ontbreekt er geen.</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Export CSV…</source>
        <translation>CSV &amp;exporteren…</translation>
    </message>
    <message>
        <source>&amp;Verify chain</source>
        <translation>Keten &amp;controleren</translation>
    </message>
    <message>
        <source>Tampered with: the chain breaks at event %1 (%2).</source>
        <translation>Geknoeid: de keten breekt bij gebeurtenis %1 (%2).</translation>
    </message>
</context>
<context>
    <name>AuthenticatorAppWindow</name>
    <message>
        <source>Current code</source>
        <translation>Huidige code</translation>
    </message>
    <message>
        <source>Authenticator app — DEMO</source>
        <translation>Authenticator-app — DEMO</translation>
    </message>
    <message>
        <source>This window plays your phone. A new code appears every 30 seconds.</source>
        <translation>Dit venster speelt je telefoon. Elke 30 seconden verschijnt een nieuwe code.</translation>
    </message>
</context>
<context>
    <name>BackupCodeDialog</name>
    <message>
        <source>Sent to the printer.</source>
        <translation>Naar de printer gestuurd.</translation>
    </message>
    <message>
        <source>Could not print.</source>
        <translation>Afdrukken is niet gelukt.</translation>
    </message>
    <message>
        <source>Helpdesk backup code</source>
        <translation>Backupcode van de helpdesk</translation>
    </message>
    <message>
        <source>A one-time code for %1 that leads only to setting up two-step sign-in again. Give it only after checking who is asking.</source>
        <translation>Een eenmalige code voor %1 die alleen leidt naar het opnieuw instellen van tweestapsverificatie. Geef hem pas nadat je hebt nagegaan wie erom vraagt.</translation>
    </message>
    <message>
        <source>Switch off their current methods now (lost device)</source>
        <translation>Hun huidige methoden nu uitschakelen (apparaat kwijt)</translation>
    </message>
    <message>
        <source>&amp;Issue code</source>
        <translation>Code &amp;uitgeven</translation>
    </message>
    <message>
        <source>Backup code</source>
        <translation>Backupcode</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Kopiëren</translation>
    </message>
    <message>
        <source>&amp;Print…</source>
        <translation>&amp;Afdrukken…</translation>
    </message>
    <message>
        <source>Shown only now. It works once, until %1.</source>
        <translation>Alleen nu zichtbaar. Hij werkt één keer, tot %1.</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Sluiten</translation>
    </message>
</context>
<context>
    <name>BusyBar</name>
    <message>
        <source>One moment…</source>
        <translation>Een ogenblik…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuleren</translation>
    </message>
    <message>
        <source>Working</source>
        <translation>Bezig</translation>
    </message>
</context>
<context>
    <name>ChooseMethodPage</name>
    <message>
        <source>Phone</source>
        <translation>Telefoon</translation>
    </message>
    <message>
        <source>Security key</source>
        <translation>Beveiligingssleutel</translation>
    </message>
    <message>
        <source>Choose how you confirm it is you</source>
        <translation>Kies hoe je bevestigt dat jij het bent</translation>
    </message>
    <message>
        <source>&amp;Authenticator app on my phone</source>
        <translation>&amp;Authenticator-app op mijn telefoon</translation>
    </message>
    <message>
        <source>Google Authenticator, Microsoft Authenticator, Authy, Visma Authenticator or any other app for six-digit codes. The apps are free.</source>
        <translation>Google Authenticator, Microsoft Authenticator, Authy, Visma Authenticator of een andere app voor zescijferige codes. De apps zijn gratis.</translation>
    </message>
    <message>
        <source>&amp;Security key or this computer&apos;s Windows Hello</source>
        <translation>&amp;Beveiligingssleutel of Windows Hello van deze computer</translation>
    </message>
    <message>
        <source>The strongest choice: a USB or NFC key (such as a YubiKey), or the face, fingerprint or PIN of Windows Hello. Afterwards you sign in with one touch.</source>
        <translation>De sterkste keuze: een USB- of NFC-sleutel (zoals een YubiKey), of gezicht, vingerafdruk of pincode van Windows Hello. Daarna log je in met één tik.</translation>
    </message>
    <message>
        <source>Na&amp;me, so you recognise it later:</source>
        <translation>&amp;Naam, zodat je hem later herkent:</translation>
    </message>
    <message>
        <source>Name of this method</source>
        <translation>Naam van deze methode</translation>
    </message>
</context>
<context>
    <name>CodeField</name>
    <message>
        <source>6 digits</source>
        <translation>6 cijfers</translation>
    </message>
</context>
<context>
    <name>CreateUserDialog</name>
    <message>
        <source>New user</source>
        <translation>Nieuwe gebruiker</translation>
    </message>
    <message>
        <source>&amp;E-mail address:</source>
        <translation>&amp;E-mailadres:</translation>
    </message>
    <message>
        <source>E-mail address</source>
        <translation>E-mailadres</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Naam:</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Naam</translation>
    </message>
    <message>
        <source>&amp;Role:</source>
        <translation>&amp;Rol:</translation>
    </message>
    <message>
        <source>administrator</source>
        <translation>beheerder</translation>
    </message>
    <message>
        <source>employee</source>
        <translation>medewerker</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Aanmaken</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuleren</translation>
    </message>
</context>
<context>
    <name>DashboardView</name>
    <message>
        <source>Double-click to show this user</source>
        <translation>Dubbelklik om deze gebruiker te tonen</translation>
    </message>
    <message>
        <source>Nobody</source>
        <translation>Niemand</translation>
    </message>
    <message>
        <source>Two-step sign-in</source>
        <translation>Tweestapsverificatie</translation>
    </message>
    <message>
        <source>&amp;Not set up yet</source>
        <translation>&amp;Nog niet ingesteld</translation>
    </message>
    <message>
        <source>Possibly c&amp;opied security keys</source>
        <translation>&amp;Mogelijk gekopieerde beveiligingssleutels</translation>
    </message>
    <message>
        <source>&amp;Locked accounts</source>
        <translation>Geblokkeerde a&amp;ccounts</translation>
    </message>
    <message>
        <source>Users without two-step sign-in</source>
        <translation>Gebruikers zonder tweestapsverificatie</translation>
    </message>
    <message>
        <source>Possibly copied security keys</source>
        <translation>Mogelijk gekopieerde beveiligingssleutels</translation>
    </message>
    <message>
        <source>Locked accounts</source>
        <translation>Geblokkeerde accounts</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Vernieuwen</translation>
    </message>
    <message>
        <source>Unlock the chosen account</source>
        <translation>Gekozen account vrijgeven</translation>
    </message>
    <message>
        <source>Share of users with two-step sign-in</source>
        <translation>Aandeel gebruikers met tweestapsverificatie</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>Tellen…</translation>
    </message>
    <message>
        <source>Any method</source>
        <translation>Een methode</translation>
    </message>
    <message numerus="yes">
        <source>%n of %1 active users (%2%) have set up two-step sign-in; %3 exempt.</source>
        <translation>
            <numerusform>%n van de %1 actieve gebruikers (%2%) heeft tweestapsverificatie ingesteld; %3 vrijgesteld.</numerusform>
            <numerusform>%n van de %1 actieve gebruikers (%2%) hebben tweestapsverificatie ingesteld; %3 vrijgesteld.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n failed sign-ins or second steps in the last 24 hours.</source>
        <translation>
            <numerusform>%n mislukte inlogpoging of tweede stap in de afgelopen 24 uur.</numerusform>
            <numerusform>%n mislukte inlogpogingen of tweede stappen in de afgelopen 24 uur.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>That is %n days after the deadline.</source>
        <translation>
            <numerusform>Dat is %n dag na de uiterste datum.</numerusform>
            <numerusform>Dat is %n dagen na de uiterste datum.</numerusform>
        </translation>
    </message>
    <message>
        <source>It is required now.</source>
        <translation>Het is nu verplicht.</translation>
    </message>
    <message>
        <source>It is required from %1.</source>
        <translation>Het is verplicht vanaf %1.</translation>
    </message>
    <message>
        <source>From %1 to %2 set up over the last %3 days.</source>
        <translation>Van %1 naar %2 ingesteld in de afgelopen %3 dagen.</translation>
    </message>
    <message>
        <source>Set-ups over the last weeks</source>
        <translation>Instellingen in de afgelopen weken</translation>
    </message>
    <message>
        <source>Everyone who must is set up.</source>
        <translation>Iedereen die moet, heeft het ingesteld.</translation>
    </message>
    <message>
        <source>Nobody set up in the last two weeks: at this pace %1 users never will.</source>
        <translation>De afgelopen twee weken heeft niemand het ingesteld: in dit tempo doen %1 gebruikers het nooit.</translation>
    </message>
    <message>
        <source>%1 to go. At the pace of the last two weeks (%2 a day) everyone is set up by %3.</source>
        <translation>Nog %1 te gaan. In het tempo van de afgelopen twee weken (%2 per dag) heeft iedereen het ingesteld op %3.</translation>
    </message>
    <message>
        <source>That is before the deadline.</source>
        <translation>Dat is voor de uiterste datum.</translation>
    </message>
</context>
<context>
    <name>DeadlineDialog</name>
    <message>
        <source>Two-step sign-in deadline</source>
        <translation>Uiterste datum tweestapsverificatie</translation>
    </message>
    <message>
        <source>By when must %1 have set up two-step sign-in?</source>
        <translation>Wanneer moet %1 uiterlijk tweestapsverificatie hebben ingesteld?</translation>
    </message>
    <message>
        <source>A later date for this user only:</source>
        <translation>Een latere datum, alleen voor deze gebruiker:</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>Uiterste datum</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Opslaan</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuleren</translation>
    </message>
</context>
<context>
    <name>Demo</name>
    <message>
        <source>DEMO — sign in as %1 (authenticator app already set up) or %2 (new: sets up two-step sign-in); the administrator is %3. Password for all three: %4</source>
        <translation>DEMO — log in als %1 (authenticator-app al ingesteld) of %2 (nieuw: stelt tweestapsverificatie in); de beheerder is %3. Wachtwoord voor alle drie: %4</translation>
    </message>
</context>
<context>
    <name>DonePage</name>
    <message>
        <source>Two-step sign-in is on</source>
        <translation>Tweestapsverificatie staat aan</translation>
    </message>
    <message>
        <source>From now on you sign in with your password and your security key or Windows Hello.</source>
        <translation>Voortaan log je in met je wachtwoord en je beveiligingssleutel of Windows Hello.</translation>
    </message>
    <message>
        <source>Add a spare key, make new recovery codes or change your password under My security settings.</source>
        <translation>Een reservesleutel toevoegen, nieuwe herstelcodes maken of je wachtwoord wijzigen doe je onder Mijn beveiligingsinstellingen.</translation>
    </message>
    <message>
        <source>From now on you sign in with your password and the code from your app.</source>
        <translation>Voortaan log je in met je wachtwoord en de code uit je app.</translation>
    </message>
    <message>
        <source>Add a second phone, make new recovery codes or change your password under My security settings.</source>
        <translation>Een tweede telefoon toevoegen, nieuwe herstelcodes maken of je wachtwoord wijzigen doe je onder Mijn beveiligingsinstellingen.</translation>
    </message>
    <message>
        <source>You will receive a security e-mail about this change; that is expected.</source>
        <translation>Je ontvangt een beveiligingsmail over deze wijziging; dat klopt.</translation>
    </message>
</context>
<context>
    <name>EntryDialog</name>
    <message numerus="yes">
        <source>%n codes found.</source>
        <translation>
            <numerusform>%n code gevonden.</numerusform>
            <numerusform>%n codes gevonden.</numerusform>
        </translation>
    </message>
    <message>
        <source>Change entry</source>
        <translation>Item wijzigen</translation>
    </message>
    <message>
        <source>New entry</source>
        <translation>Nieuw item</translation>
    </message>
    <message>
        <source>Ser&amp;vice:</source>
        <translation>&amp;Dienst:</translation>
    </message>
    <message>
        <source>&amp;Account:</source>
        <translation>&amp;Account:</translation>
    </message>
    <message>
        <source>C&amp;odes:</source>
        <translation>&amp;Codes:</translation>
    </message>
    <message>
        <source>&amp;Notes:</source>
        <translation>&amp;Notities:</translation>
    </message>
    <message>
        <source>For example: GitHub, Microsoft, payroll</source>
        <translation>Bijvoorbeeld: GitHub, Microsoft, salarisportaal</translation>
    </message>
    <message>
        <source>Paste the codes as the service shows them: one per line, numbered, or in columns.</source>
        <translation>Plak de codes zoals de dienst ze toont: één per regel, genummerd of in kolommen.</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Opslaan</translation>
    </message>
</context>
<context>
    <name>FingerprintsDialog</name>
    <message>
        <source>(no name)</source>
        <translation>(geen naam)</translation>
    </message>
    <message>
        <source>Add a fingerprint</source>
        <translation>Een vingerafdruk toevoegen</translation>
    </message>
    <message>
        <source>Name of the finger (e.g. Right index):</source>
        <translation>Naam van de vinger (bijv. Rechterwijsvinger):</translation>
    </message>
    <message>
        <source>Touch the sensor with the finger to add, and lift it between touches.</source>
        <translation>Raak de sensor aan met de vinger die je wilt toevoegen, en til hem op tussen de aanrakingen.</translation>
    </message>
    <message>
        <source>Touch again.</source>
        <translation>Raak de sensor opnieuw aan.</translation>
    </message>
    <message numerus="yes">
        <source>Good. %n more touches.</source>
        <translation>
            <numerusform>Goed. Nog %n keer.</numerusform>
            <numerusform>Goed. Nog %n keer.</numerusform>
        </translation>
    </message>
    <message>
        <source>Done.</source>
        <translation>Klaar.</translation>
    </message>
    <message>
        <source>Rename the fingerprint</source>
        <translation>De vingerafdruk hernoemen</translation>
    </message>
    <message>
        <source>New name:</source>
        <translation>Nieuwe naam:</translation>
    </message>
    <message>
        <source>Remove a fingerprint</source>
        <translation>Een vingerafdruk verwijderen</translation>
    </message>
    <message>
        <source>Remove fingerprint %1? The key no longer accepts that finger.</source>
        <translation>Vingerafdruk %1 verwijderen? De sleutel accepteert die vinger dan niet meer.</translation>
    </message>
    <message>
        <source>Fingerprints on your security key</source>
        <translation>Vingerafdrukken op je beveiligingssleutel</translation>
    </message>
    <message>
        <source>With a finger on the key&apos;s sensor, the key knows it is you without asking for its PIN. Add each finger you want to use.</source>
        <translation>Met een vinger op de sensor van de sleutel weet de sleutel dat jij het bent, zonder om de pincode te vragen. Voeg elke vinger toe die je wilt gebruiken.</translation>
    </message>
    <message>
        <source>&amp;Add a fingerprint…</source>
        <translation>Vingerafdruk &amp;toevoegen…</translation>
    </message>
    <message>
        <source>Re&amp;name…</source>
        <translation>Ander&amp;e naam…</translation>
    </message>
    <message>
        <source>Re&amp;move…</source>
        <translation>&amp;Verwijderen…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Sluiten</translation>
    </message>
    <message>
        <source>%v of %m touches</source>
        <translation>%v van %m aanrakingen</translation>
    </message>
    <message>
        <source>Touches of the sensor</source>
        <translation>Aanrakingen van de sensor</translation>
    </message>
</context>
<context>
    <name>FirstRunPage</name>
    <message>
        <source>Welcome: set up desktop-auth</source>
        <translation>Welkom: desktop-auth instellen</translation>
    </message>
    <message>
        <source>This sign-in database is new. Name your organisation and create the first administrator; then you set up two-step sign-in for that account.</source>
        <translation>Deze inlogdatabase is nieuw. Geef je organisatie een naam en maak de eerste beheerder aan; daarna stel je tweestapsverificatie in voor dat account.</translation>
    </message>
    <message>
        <source>&amp;Organisation:</source>
        <translation>&amp;Organisatie:</translation>
    </message>
    <message>
        <source>&amp;Domain name:</source>
        <translation>&amp;Domeinnaam:</translation>
    </message>
    <message>
        <source>Your n&amp;ame:</source>
        <translation>Je &amp;naam:</translation>
    </message>
    <message>
        <source>Your &amp;e-mail address:</source>
        <translation>Je &amp;e-mailadres:</translation>
    </message>
    <message>
        <source>Organisation name</source>
        <translation>Naam van de organisatie</translation>
    </message>
    <message>
        <source>Domain name of the organisation</source>
        <translation>Domeinnaam van de organisatie</translation>
    </message>
    <message>
        <source>Administrator&apos;s name</source>
        <translation>Naam van de beheerder</translation>
    </message>
    <message>
        <source>Administrator&apos;s e-mail address</source>
        <translation>E-mailadres van de beheerder</translation>
    </message>
    <message>
        <source>The organisation&apos;s internet domain, such as example.com.</source>
        <translation>Het internetdomein van de organisatie, zoals example.com.</translation>
    </message>
    <message>
        <source>Create and continue</source>
        <translation>Aanmaken en doorgaan</translation>
    </message>
</context>
<context>
    <name>HomePage</name>
    <message>
        <source>Two-step sign-in is required from %1. Set it up now.</source>
        <translation>Tweestapsverificatie is verplicht vanaf %1. Stel het nu in.</translation>
    </message>
    <message>
        <source>Set it &amp;up now…</source>
        <translation>Nu &amp;instellen…</translation>
    </message>
    <message>
        <source>You have no recovery codes saved. Without them, a lost phone or key keeps you out until the helpdesk helps.</source>
        <translation>Je hebt geen herstelcodes bewaard. Zonder herstelcodes kom je bij een verloren telefoon of sleutel niet binnen tot de helpdesk je helpt.</translation>
    </message>
    <message>
        <source>Make recovery &amp;codes now…</source>
        <translation>Nu herstel&amp;codes maken…</translation>
    </message>
    <message>
        <source>Welcome, %1</source>
        <translation>Welkom, %1</translation>
    </message>
    <message>
        <source>You are signed in to %1 as %2, with two-step sign-in.</source>
        <translation>Je bent bij %1 ingelogd als %2, met tweestapsverificatie.</translation>
    </message>
    <message>
        <source>You are signed in to %1 as %2, with your password alone.</source>
        <translation>Je bent bij %1 ingelogd als %2, met alleen je wachtwoord.</translation>
    </message>
    <message>
        <source>You are signed in as %2, with two-step sign-in.</source>
        <translation>Je bent ingelogd als %2, met tweestapsverificatie.</translation>
    </message>
    <message>
        <source>You are signed in as %2, with your password alone.</source>
        <translation>Je bent ingelogd als %2, met alleen je wachtwoord.</translation>
    </message>
    <message>
        <source>My &amp;security settings</source>
        <translation>Mijn &amp;beveiligingsinstellingen</translation>
    </message>
    <message>
        <source>My &amp;recovery codes for other services</source>
        <translation>Mijn &amp;herstelcodes van andere diensten</translation>
    </message>
    <message>
        <source>&amp;Administration</source>
        <translation>&amp;Beheer</translation>
    </message>
    <message>
        <source>Sign &amp;out</source>
        <translation>&amp;Uitloggen</translation>
    </message>
</context>
<context>
    <name>ImportUsersDialog</name>
    <message>
        <source>Import users</source>
        <translation>Gebruikers importeren</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-bestanden (*.csv)</translation>
    </message>
    <message>
        <source>Nothing was imported. Correct these rows and try again:</source>
        <translation>Er is niets geïmporteerd. Verbeter deze regels en probeer het opnieuw:</translation>
    </message>
    <message numerus="yes">
        <source>Imported %n users. Temporary passwords (shown only now):</source>
        <translation>
            <numerusform>%n gebruiker geïmporteerd. Tijdelijk wachtwoord (alleen nu te zien):</numerusform>
            <numerusform>%n gebruikers geïmporteerd. Tijdelijke wachtwoorden (alleen nu te zien):</numerusform>
        </translation>
    </message>
    <message>
        <source>Sent to the printer.</source>
        <translation>Naar de printer gestuurd.</translation>
    </message>
    <message>
        <source>Could not print.</source>
        <translation>Afdrukken is niet gelukt.</translation>
    </message>
    <message>
        <source>Save the temporary passwords</source>
        <translation>De tijdelijke wachtwoorden opslaan</translation>
    </message>
    <message>
        <source>Saved: %1</source>
        <translation>Opgeslagen: %1</translation>
    </message>
    <message>
        <source>A CSV file with a header line and the columns email and name (role is optional: employee or administrator). Every row is checked first: one bad row imports nothing. Each new user gets a temporary password to change at the first sign-in.</source>
        <translation>Een CSV-bestand met een kopregel en de kolommen email en name (role mag erbij: medewerker of beheerder). Elke regel wordt eerst gecontroleerd: één foute regel en er wordt niets geïmporteerd. Elke nieuwe gebruiker krijgt een tijdelijk wachtwoord dat bij de eerste inlog gewijzigd moet worden.</translation>
    </message>
    <message>
        <source>&amp;Choose a CSV file…</source>
        <translation>&amp;Kies een CSV-bestand…</translation>
    </message>
    <message>
        <source>&amp;Print a slip for each…</source>
        <translation>Voor ieder een briefje af&amp;drukken…</translation>
    </message>
    <message>
        <source>&amp;Save passwords as CSV…</source>
        <translation>Wachtwoorden als CSV op&amp;slaan…</translation>
    </message>
    <message>
        <source>Import report</source>
        <translation>Importverslag</translation>
    </message>
</context>
<context>
    <name>IntroPage</name>
    <message>
        <source>Set up two-step sign-in again</source>
        <translation>Tweestapsverificatie opnieuw instellen</translation>
    </message>
    <message>
        <source>You signed in with a recovery or backup code. Set up your authenticator app again now: it replaces your old methods, which may be lost. Then make new recovery codes.</source>
        <translation>Je bent ingelogd met een herstelcode of backupcode. Stel nu je authenticator-app opnieuw in: die vervangt je oude methoden, die misschien kwijt zijn. Maak daarna nieuwe herstelcodes.</translation>
    </message>
    <message>
        <source>Why two-step sign-in?</source>
        <translation>Waarom tweestapsverificatie?</translation>
    </message>
    <message>
        <source>A password alone can be guessed or stolen. With two-step sign-in you also show something only you have: a code from an app on your phone that is valid for 30 seconds. That makes it much harder for anyone else to get in.</source>
        <translation>Een wachtwoord alleen kan geraden of gestolen worden. Met tweestapsverificatie laat je ook iets zien wat alleen jij hebt: een code uit een app op je telefoon die 30 seconden geldig is. Zo komt een ander veel moeilijker binnen.</translation>
    </message>
    <message>
        <source>This takes about two minutes. Keep your phone at hand. At the end you save recovery codes: if you ever lose your phone, they are the only way back in.</source>
        <translation>Dit duurt ongeveer twee minuten. Houd je telefoon bij de hand. Aan het eind sla je herstelcodes op: ben je ooit je telefoon kwijt, dan zijn die de enige manier om toch in te loggen.</translation>
    </message>
    <message>
        <source>Two-step sign-in is required from %1. Until then you may choose “Remind me later”.</source>
        <translation>Tweestapsverificatie is verplicht vanaf %1. Tot dan mag je kiezen voor „Herinner me later”.</translation>
    </message>
</context>
<context>
    <name>KeyPinRow</name>
    <message>
        <source>&amp;PIN of your security key:</source>
        <translation>&amp;Pincode van je beveiligingssleutel:</translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation>&amp;Openen</translation>
    </message>
    <message>
        <source>PIN of your security key</source>
        <translation>Pincode van je beveiligingssleutel</translation>
    </message>
</context>
<context>
    <name>KeyPromptBridge</name>
    <message>
        <source>Security key PIN</source>
        <translation>Pincode van de beveiligingssleutel</translation>
    </message>
    <message>
        <source>Enter the PIN of your security key:</source>
        <translation>Vul de pincode van je beveiligingssleutel in:</translation>
    </message>
</context>
<context>
    <name>KeyResetDialog</name>
    <message>
        <source>reset</source>
        <translation>wissen</translation>
    </message>
    <message>
        <source>Touch the key to confirm.</source>
        <translation>Raak de sleutel aan om te bevestigen.</translation>
    </message>
    <message>
        <source>Erase the security key</source>
        <translation>De beveiligingssleutel wissen</translation>
    </message>
    <message>
        <source>Erasing removes everything on the security key: its PIN, its fingerprints and every sign-in stored on it, for this organisation and for every other site. It cannot be undone. Accounts that use this key no longer accept it: remove it there and register it again. My recovery codes no longer open with it; the printed vault key still opens them.</source>
        <translation>Wissen verwijdert alles op de beveiligingssleutel: de pincode, de vingerafdrukken en alle aanmeldingen die erop staan, voor deze organisatie en voor alle andere sites. Dat kan niet ongedaan worden gemaakt. Accounts die deze sleutel gebruiken, accepteren hem daarna niet meer: verwijder hem daar en registreer hem opnieuw. Mijn herstelcodes gaan dan niet meer open met deze sleutel; de geprinte kluissleutel opent ze nog wel.</translation>
    </message>
    <message>
        <source>Plug in only the key to erase. To go on, type %1 below.</source>
        <translation>Steek alleen de sleutel in die je wilt wissen. Typ hieronder %1 om door te gaan.</translation>
    </message>
    <message>
        <source>&amp;Type the word:</source>
        <translation>&amp;Typ het woord:</translation>
    </message>
    <message>
        <source>&amp;Next</source>
        <translation>&amp;Volgende</translation>
    </message>
    <message>
        <source>Unplug the key and plug it back in, then choose Erase now at once: a key allows erasing only in its first seconds. Then touch it.</source>
        <translation>Haal de sleutel eruit en steek hem er weer in, en kies dan meteen Nu wissen: een sleutel laat zich alleen in de eerste seconden wissen. Raak hem daarna aan.</translation>
    </message>
    <message>
        <source>&amp;Erase now</source>
        <translation>Nu &amp;wissen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuleren</translation>
    </message>
</context>
<context>
    <name>KeySetupPage</name>
    <message>
        <source>Touch your security key now (it blinks).</source>
        <translation>Raak je beveiligingssleutel nu aan (hij knippert).</translation>
    </message>
    <message>
        <source>Confirm it is you: PIN, fingerprint or face.</source>
        <translation>Bevestig dat jij het bent: pincode, vingerafdruk of gezicht.</translation>
    </message>
    <message>
        <source>Plug in your security key and touch it when it blinks. On a computer with Windows Hello, follow its window instead.</source>
        <translation>Steek je beveiligingssleutel in de computer en raak hem aan zodra hij knippert. Op een computer met Windows Hello volg je in plaats daarvan het venster van Windows Hello.</translation>
    </message>
    <message>
        <source>That works: your security key or Windows Hello is set up.</source>
        <translation>Dat werkt: je beveiligingssleutel of Windows Hello is ingesteld.</translation>
    </message>
    <message>
        <source>Set up your security key</source>
        <translation>Stel je beveiligingssleutel in</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>Opnieuw proberen</translation>
    </message>
    <message>
        <source>Change the key&apos;s PIN…</source>
        <translation>De pincode van de sleutel wijzigen…</translation>
    </message>
    <message>
        <source>Set a PIN on the key…</source>
        <translation>Stel een pincode in op de sleutel…</translation>
    </message>
</context>
<context>
    <name>KeySignInsDialog</name>
    <message>
        <source>%1 (this organisation)</source>
        <translation>%1 (deze organisatie)</translation>
    </message>
    <message>
        <source>Delete your sign-in to this organisation (%1) from the key? This key will no longer sign you in, while My security settings still lists it: remove the key there instead. It cannot be brought back.</source>
        <translation>Je aanmelding bij deze organisatie (%1) van de sleutel wissen? Je kunt dan niet meer inloggen met deze sleutel, terwijl Mijn beveiligingsinstellingen hem nog wel noemt: verwijder de sleutel liever daar. Dit kan niet ongedaan worden gemaakt.</translation>
    </message>
    <message>
        <source>Delete the sign-in for %1 at %2 from this key? It cannot be brought back.</source>
        <translation>De aanmelding voor %1 bij %2 van deze sleutel wissen? Dit kan niet ongedaan worden gemaakt.</translation>
    </message>
    <message>
        <source>Delete a sign-in</source>
        <translation>Een aanmelding wissen</translation>
    </message>
    <message>
        <source>Sign-ins on your security key</source>
        <translation>Aanmeldingen op je beveiligingssleutel</translation>
    </message>
    <message>
        <source>The sign-ins (passkeys) stored on the key plugged in, for this organisation and other sites. A key holds only a few dozen: delete the ones you no longer use to make room.</source>
        <translation>De aanmeldingen (passkeys) op de sleutel die erin zit, voor deze organisatie en andere sites. Er passen er maar een paar dozijn op een sleutel: wis de aanmeldingen die je niet meer gebruikt om ruimte te maken.</translation>
    </message>
    <message>
        <source>Site</source>
        <translation>Site</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Account</translation>
    </message>
    <message>
        <source>No sign-ins are stored on this key.</source>
        <translation>Er staan geen aanmeldingen op deze sleutel.</translation>
    </message>
    <message numerus="yes">
        <source>%n sign-ins on the key.</source>
        <translation>
            <numerusform>%n aanmelding op de sleutel.</numerusform>
            <numerusform>%n aanmeldingen op de sleutel.</numerusform>
        </translation>
    </message>
    <message>
        <source>Room for %1 more.</source>
        <translation>Ruimte voor nog %1.</translation>
    </message>
    <message>
        <source>&amp;Delete…</source>
        <translation>&amp;Wissen…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Sluiten</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>Signed out in %n seconds without use. Move the mouse to stay.</source>
        <translation>
            <numerusform>Over %n seconde uitgelogd zonder gebruik. Beweeg de muis om te blijven.</numerusform>
            <numerusform>Over %n seconden uitgelogd zonder gebruik. Beweeg de muis om te blijven.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>You were signed out after %n minutes without use.</source>
        <translation>
            <numerusform>Je bent uitgelogd na %n minuut zonder gebruik.</numerusform>
            <numerusform>Je bent uitgelogd na %n minuten zonder gebruik.</numerusform>
        </translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Inloggen</translation>
    </message>
    <message>
        <source>Signed in</source>
        <translation>Ingelogd</translation>
    </message>
    <message>
        <source>First run</source>
        <translation>Eerste start</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>Be&amp;stand</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Taal</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Afsluiten</translation>
    </message>
</context>
<context>
    <name>MethodsDialog</name>
    <message>
        <source>possibly copied</source>
        <translation>mogelijk gekopieerd</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nooit</translation>
    </message>
    <message>
        <source>Remove method</source>
        <translation>Methode verwijderen</translation>
    </message>
    <message>
        <source>Remove “%1” from %2? At their next sign-in they are asked for another method, or for a recovery code when none is left; without recovery codes they need a backup code from you (Backup code…).</source>
        <translation>“%1” verwijderen bij %2? Bij de volgende aanmelding wordt om een andere methode gevraagd, of om een herstelcode als er geen meer is; zonder herstelcodes hebben ze een backupcode van jou nodig (Backupcode…).</translation>
    </message>
    <message>
        <source>Methods of %1</source>
        <translation>Methoden van %1</translation>
    </message>
    <message>
        <source>Remove a lost key or phone. With none left, they set up again.</source>
        <translation>Verwijder een kwijtgeraakte sleutel of telefoon. Is er geen meer over, dan stellen ze opnieuw in.</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Naam</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Soort</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>Toegevoegd</translation>
    </message>
    <message>
        <source>Last used</source>
        <translation>Laatst gebruikt</translation>
    </message>
    <message>
        <source>Workstation</source>
        <translation>Werkplek</translation>
    </message>
    <message>
        <source>Verification methods</source>
        <translation>Verificatiemethoden</translation>
    </message>
    <message>
        <source>&amp;Remove selected method</source>
        <translation>Gekozen methode &amp;verwijderen</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Sluiten</translation>
    </message>
</context>
<context>
    <name>NewPasswordForm</name>
    <message>
        <source>Suggested passphrase</source>
        <translation>Voorgestelde wachtzin</translation>
    </message>
    <message>
        <source>&amp;New password:</source>
        <translation>&amp;Nieuw wachtwoord:</translation>
    </message>
    <message>
        <source>Repea&amp;t:</source>
        <translation>Herhaa&amp;l:</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>Nieuw wachtwoord</translation>
    </message>
    <message>
        <source>Repeat the new password</source>
        <translation>Herhaal het nieuwe wachtwoord</translation>
    </message>
    <message>
        <source>The two passwords are not the same.</source>
        <translation>De twee wachtwoorden zijn niet gelijk.</translation>
    </message>
    <message>
        <source>Su&amp;ggest a passphrase</source>
        <translation>Stel een wachtzin v&amp;oor</translation>
    </message>
    <message>
        <source>A few random words are long, strong and easy to remember.</source>
        <translation>Een paar willekeurige woorden zijn lang, sterk en makkelijk te onthouden.</translation>
    </message>
</context>
<context>
    <name>NewPasswordPage</name>
    <message>
        <source>Choose your own password</source>
        <translation>Kies je eigen wachtwoord</translation>
    </message>
    <message>
        <source>You signed in with a temporary password. Choose a password only you know. A sentence of a few words is long, strong and easy to remember.</source>
        <translation>Je bent ingelogd met een tijdelijk wachtwoord. Kies een wachtwoord dat alleen jij kent. Een zin van een paar woorden is lang, sterk en makkelijk te onthouden.</translation>
    </message>
    <message>
        <source>Save password and continue</source>
        <translation>Wachtwoord opslaan en doorgaan</translation>
    </message>
</context>
<context>
    <name>PasswordField</name>
    <message>
        <source>Hide</source>
        <translation>Verberg</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Toon</translation>
    </message>
    <message>
        <source>Hide password</source>
        <translation>Wachtwoord verbergen</translation>
    </message>
    <message>
        <source>Show password</source>
        <translation>Wachtwoord tonen</translation>
    </message>
</context>
<context>
    <name>PolicyView</name>
    <message>
        <source>Nothing changed.</source>
        <translation>Er is niets gewijzigd.</translation>
    </message>
    <message>
        <source>Saved. The change is in the audit log.</source>
        <translation>Opgeslagen. De wijziging staat in het auditlog.</translation>
    </message>
    <message>
        <source>Two-step sign-in &amp;required from:</source>
        <translation>Tweestapsverificatie &amp;verplicht vanaf:</translation>
    </message>
    <message>
        <source>Reminder te&amp;xt:</source>
        <translation>Herinneringste&amp;kst:</translation>
    </message>
    <message>
        <source>Methods users may se&amp;t up:</source>
        <translation>Methoden die gebruikers mogen &amp;instellen:</translation>
    </message>
    <message>
        <source>Security key user &amp;verification:</source>
        <translation>Gebruikersveri&amp;ficatie bij beveiligingssleutels:</translation>
    </message>
    <message>
        <source>Authenticator &amp;code window (30-second steps either side):</source>
        <translation>&amp;Codevenster authenticator (stappen van 30 seconden ervoor en erna):</translation>
    </message>
    <message>
        <source>&amp;Lock the password after this many failures:</source>
        <translation>Wachtwoord blokkeren na zoveel mislukte pogi&amp;ngen:</translation>
    </message>
    <message>
        <source>Lock the second step after this ma&amp;ny failures:</source>
        <translation>&amp;Tweede stap blokkeren na zoveel mislukte pogingen:</translation>
    </message>
    <message>
        <source>Recover&amp;y codes per sheet:</source>
        <translation>Herstelcodes &amp;per vel:</translation>
    </message>
    <message>
        <source>Lock the password &amp;for:</source>
        <translation>Wachtwoord blokkeren gedu&amp;rende:</translation>
    </message>
    <message>
        <source>No FIDO metadata imported: a key&apos;s model is proven only by your own roots (desktop-auth admin keys metadata import FILE).</source>
        <translation>Geen FIDO-metadata geïmporteerd: het model van een sleutel wordt alleen door je eigen basiscertificaten aangetoond (desktop-auth admin keys metadata import BESTAND).</translation>
    </message>
    <message>
        <source>FIDO metadata no. %1 (%2 models); next update due %3.</source>
        <translation>FIDO-metadata nr. %1 (%2 modellen); volgende update verwacht op %3.</translation>
    </message>
    <message>
        <source>Own roots: %1.</source>
        <translation>Eigen basiscertificaten: %1.</translation>
    </message>
    <message>
        <source>After this many locks only the &amp;helpdesk unlocks:</source>
        <translation>Na zoveel blokkades geeft alleen de &amp;helpdesk vrij:</translation>
    </message>
    <message>
        <source>&amp;Backup code lifetime:</source>
        <translation>Geldigheid back&amp;upcode:</translation>
    </message>
    <message>
        <source>Allowed security key &amp;models (AAGUID, one a line; empty: any):</source>
        <translation>Toegestane &amp;modellen beveiligingssleutel (AAGUID, één per regel; leeg: alle):</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source> h</source>
        <translation> uur</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>on a date (unticked: now)</source>
        <translation>op een datum (uitgevinkt: nu)</translation>
    </message>
    <message>
        <source>Enforcement date</source>
        <translation>Ingangsdatum</translation>
    </message>
    <message>
        <source>Methods set up before stay usable; to switch one off, use the Users tab.</source>
        <translation>Eerder ingestelde methoden blijven werken; zet er een uit via het tabblad Gebruikers.</translation>
    </message>
    <message>
        <source>Reminder text</source>
        <translation>Herinneringstekst</translation>
    </message>
    <message>
        <source>Empty: the standard text</source>
        <translation>Leeg: de standaardtekst</translation>
    </message>
    <message>
        <source>required (PIN or fingerprint every time)</source>
        <translation>verplicht (elke keer pincode of vingerafdruk)</translation>
    </message>
    <message>
        <source>preferred</source>
        <translation>bij voorkeur</translation>
    </message>
    <message>
        <source>discouraged</source>
        <translation>liever niet</translation>
    </message>
    <message>
        <source>Allow signing in with a security key or fingerprint, without a password</source>
        <translation>Inloggen zonder wachtwoord toestaan (sleutel of vingerafdruk)</translation>
    </message>
    <message>
        <source>Require an attestation from an allowed security key model</source>
        <translation>Attestatie van een toegestaan sleutelmodel eisen</translation>
    </message>
    <message>
        <source>Allow passkeys that can be copied to other devices (never the highest level)</source>
        <translation>Passkeys toestaan die naar andere apparaten kunnen worden gekopieerd (nooit het hoogste niveau)</translation>
    </message>
    <message>
        <source>Allowed security key models</source>
        <translation>Toegestane modellen beveiligingssleutel</translation>
    </message>
    <message>
        <source>&amp;Save policy</source>
        <translation>Beleid op&amp;slaan</translation>
    </message>
</context>
<context>
    <name>ReauthDialog</name>
    <message>
        <source>Touch your security key now.</source>
        <translation>Raak je beveiligingssleutel nu aan.</translation>
    </message>
    <message>
        <source>Signing in again did not work. Try again later.</source>
        <translation>Opnieuw inloggen is niet gelukt. Probeer het later nog eens.</translation>
    </message>
    <message>
        <source>Sign in again</source>
        <translation>Opnieuw inloggen</translation>
    </message>
    <message>
        <source>To set up two-step sign-in, first confirm it is you with your password.</source>
        <translation>Bevestig eerst met je wachtwoord dat jij het bent; daarna stel je tweestapsverificatie in.</translation>
    </message>
    <message>
        <source>For this change, confirm it is you: your password, then a code from your app.</source>
        <translation>Bevestig voor deze wijziging dat jij het bent: je wachtwoord, daarna een code uit je app.</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Wachtwoord:</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Wachtwoord</translation>
    </message>
    <message>
        <source>&amp;Code:</source>
        <translation>&amp;Code:</translation>
    </message>
    <message>
        <source>Six-digit code</source>
        <translation>Zescijferige code</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Doorgaan</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuleren</translation>
    </message>
</context>
<context>
    <name>RecoveryCodesDialog</name>
    <message>
        <source>Your new recovery codes</source>
        <translation>Je nieuwe herstelcodes</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Sluiten</translation>
    </message>
</context>
<context>
    <name>RecoveryCodesPage</name>
    <message>
        <source>Save your recovery codes</source>
        <translation>Sla je herstelcodes op</translation>
    </message>
    <message>
        <source>Your new method works. Save these codes before you close: if you ever lose your phone or key, they are the only way to sign in without the helpdesk.</source>
        <translation>Je nieuwe methode werkt. Bewaar deze codes voordat je afsluit: als je ooit je telefoon of sleutel kwijt bent, zijn ze de enige manier om zonder de helpdesk in te loggen.</translation>
    </message>
</context>
<context>
    <name>RecoveryCodesPanel</name>
    <message>
        <source>That is not one of the codes above. Check it and type it again.</source>
        <translation>Dat is geen van de codes hierboven. Controleer hem en typ hem opnieuw.</translation>
    </message>
    <message>
        <source>Save recovery codes as PDF</source>
        <translation>Herstelcodes opslaan als pdf</translation>
    </message>
    <message>
        <source>recovery-codes.pdf</source>
        <translation>herstelcodes.pdf</translation>
    </message>
    <message>
        <source>Saved: %1</source>
        <translation>Opgeslagen: %1</translation>
    </message>
    <message>
        <source>Save recovery codes as a text file</source>
        <translation>Herstelcodes opslaan als tekstbestand</translation>
    </message>
    <message>
        <source>recovery-codes.txt</source>
        <translation>herstelcodes.txt</translation>
    </message>
    <message>
        <source>Text files (*.txt)</source>
        <translation>Tekstbestanden (*.txt)</translation>
    </message>
    <message>
        <source>Sent to the printer.</source>
        <translation>Naar de printer gestuurd.</translation>
    </message>
    <message>
        <source>Could not print.</source>
        <translation>Afdrukken is niet gelukt.</translation>
    </message>
    <message>
        <source>Copied. Paste them into your password manager, then clear the clipboard.</source>
        <translation>Gekopieerd. Plak ze in je wachtwoordmanager en maak daarna het klembord leeg.</translation>
    </message>
    <message>
        <source>Lost your phone? Then these codes are the only way to sign in. Each works once. Print them or save them somewhere safe, away from this computer. They are shown only now.</source>
        <translation>Telefoon kwijt? Dan zijn deze codes de enige manier om in te loggen. Elke code werkt één keer. Print ze of sla ze veilig op, niet op deze computer. Ze worden alleen nu getoond.</translation>
    </message>
    <message>
        <source>Your recovery codes</source>
        <translation>Je herstelcodes</translation>
    </message>
    <message>
        <source>&amp;Print…</source>
        <translation>&amp;Afdrukken…</translation>
    </message>
    <message>
        <source>Save as P&amp;DF…</source>
        <translation>Opslaan als p&amp;df…</translation>
    </message>
    <message>
        <source>Save as &amp;text file…</source>
        <translation>Opslaan als tekstbe&amp;stand…</translation>
    </message>
    <message>
        <source>C&amp;opy</source>
        <translation>&amp;Kopiëren</translation>
    </message>
    <message>
        <source>&amp;I have stored my recovery codes</source>
        <translation>Ik heb mijn herstelcodes &amp;bewaard</translation>
    </message>
    <message>
        <source>Or type one &amp;code to confirm:</source>
        <translation>Of typ ter bevestiging één &amp;code over:</translation>
    </message>
    <message>
        <source>One recovery code, typed back</source>
        <translation>Eén overgetypte herstelcode</translation>
    </message>
</context>
<context>
    <name>RecoveryKeyDialog</name>
    <message>
        <source>Sent to the printer.</source>
        <translation>Naar de printer gestuurd.</translation>
    </message>
    <message>
        <source>Could not print.</source>
        <translation>Afdrukken is niet gelukt.</translation>
    </message>
    <message>
        <source>Save the vault recovery key as PDF</source>
        <translation>Kluisherstelsleutel als pdf opslaan</translation>
    </message>
    <message>
        <source>vault-recovery-key.pdf</source>
        <translation>kluisherstelsleutel.pdf</translation>
    </message>
    <message>
        <source>Saved: %1</source>
        <translation>Opgeslagen: %1</translation>
    </message>
    <message>
        <source>Your vault recovery key</source>
        <translation>Je kluisherstelsleutel</translation>
    </message>
    <message>
        <source>With this key your vault opens even when no security key can: lost, broken or replaced. Print it or save it, and keep it away from this computer. It is shown only now.</source>
        <translation>Met deze sleutel gaat je kluis ook open als geen beveiligingssleutel dat kan: kwijt, kapot of vervangen. Druk hem af of sla hem op, en bewaar hem niet bij deze computer. Hij wordt alleen nu getoond.</translation>
    </message>
    <message>
        <source>&amp;Print…</source>
        <translation>&amp;Afdrukken…</translation>
    </message>
    <message>
        <source>Save as P&amp;DF…</source>
        <translation>Opslaan als p&amp;df…</translation>
    </message>
    <message>
        <source>Type the key from the sheet to confirm you have it:</source>
        <translation>Typ de sleutel over van het vel, om te bevestigen dat je hem hebt:</translation>
    </message>
    <message>
        <source>The vault recovery key, typed back</source>
        <translation>De kluisherstelsleutel, overgetypt</translation>
    </message>
    <message>
        <source>&amp;Confirm</source>
        <translation>&amp;Bevestigen</translation>
    </message>
</context>
<context>
    <name>RetireDialog</name>
    <message>
        <source>Switch off methods</source>
        <translation>Methoden uitzetten</translation>
    </message>
    <message>
        <source>Every such method stops working now, and its users set up two-step sign-in again at their next sign-in. Go on?</source>
        <translation>Al deze methoden werken vanaf nu niet meer, en hun gebruikers stellen tweestapsverificatie opnieuw in bij hun volgende inlog. Doorgaan?</translation>
    </message>
    <message>
        <source>Switched off %1 methods of %2 users.</source>
        <translation>%1 methoden van %2 gebruikers uitgezet.</translation>
    </message>
    <message>
        <source>Switch off old methods</source>
        <translation>Oude methoden uitzetten</translation>
    </message>
    <message>
        <source>For a rollout like the manual&apos;s: the old two-step sign-in is switched off, and everyone sets it up again with the password they have.</source>
        <translation>Voor een overstap zoals in de handleiding: de oude tweestapsverificatie gaat uit, en iedereen stelt haar opnieuw in met het wachtwoord dat hij al heeft.</translation>
    </message>
    <message>
        <source>&amp;Kind:</source>
        <translation>&amp;Soort:</translation>
    </message>
    <message>
        <source>Kind of method</source>
        <translation>Soort methode</translation>
    </message>
    <message>
        <source>Only those set up before</source>
        <translation>Alleen die zijn ingesteld vóór</translation>
    </message>
    <message>
        <source>Set up before</source>
        <translation>Ingesteld vóór</translation>
    </message>
    <message>
        <source>&amp;Switch off…</source>
        <translation>&amp;Uitzetten…</translation>
    </message>
</context>
<context>
    <name>SecondFactorPage</name>
    <message>
        <source>Preparing your security key…</source>
        <translation>Je beveiligingssleutel wordt voorbereid…</translation>
    </message>
    <message>
        <source>Touch your security key now (it blinks), or use Windows Hello.</source>
        <translation>Raak je beveiligingssleutel nu aan (hij knippert), of gebruik Windows Hello.</translation>
    </message>
    <message>
        <source>Confirm it is you: PIN, fingerprint or face.</source>
        <translation>Bevestig dat jij het bent: pincode, vingerafdruk of gezicht.</translation>
    </message>
    <message>
        <source>Try again, or use another method.</source>
        <translation>Probeer het opnieuw, of gebruik een andere methode.</translation>
    </message>
    <message>
        <source>Confirm with your security key</source>
        <translation>Bevestig met je beveiligingssleutel</translation>
    </message>
    <message>
        <source>Enter the code from your authenticator app</source>
        <translation>Vul de code uit je authenticator-app in</translation>
    </message>
    <message>
        <source>Enter one of your recovery codes</source>
        <translation>Vul een van je herstelcodes in</translation>
    </message>
    <message>
        <source>Enter the backup code from the helpdesk</source>
        <translation>Vul de backupcode van de helpdesk in</translation>
    </message>
    <message>
        <source>Insert your security key or hold it to the reader, then touch it when it blinks. On this computer Windows Hello may ask for your face or fingerprint.</source>
        <translation>Steek je beveiligingssleutel erin of houd hem bij de lezer, en raak hem aan als hij knippert. Op deze computer kan Windows Hello om je gezicht of vingerafdruk vragen.</translation>
    </message>
    <message>
        <source>Open the authenticator app on your phone and type the six-digit code it shows for this account. A new code appears every 30 seconds.</source>
        <translation>Open de authenticator-app op je telefoon en typ de zescijferige code die hij voor dit account toont. Elke 30 seconden verschijnt een nieuwe code.</translation>
    </message>
    <message>
        <source>Take a code from the recovery sheet you printed or saved when you set up two-step sign-in. Each code works once; afterwards you set up your app again.</source>
        <translation>Neem een code van het herstelblad dat je hebt afgedrukt of opgeslagen toen je tweestapsverificatie instelde. Elke code werkt één keer; daarna stel je je app opnieuw in.</translation>
    </message>
    <message>
        <source>The helpdesk gave you a one-time backup code. After signing in with it you set up two-step sign-in again.</source>
        <translation>De helpdesk heeft je een eenmalige backupcode gegeven. Nadat je daarmee bent ingelogd, stel je tweestapsverificatie opnieuw in.</translation>
    </message>
    <message>
        <source>Your authenticator app and security keys have been removed from your account (by the helpdesk, or in your settings). Sign in with one of your recovery codes, or ask the helpdesk for a backup code; then you set up a new one.</source>
        <translation>Je authenticator-app en beveiligingssleutels zijn van je account verwijderd (door de helpdesk, of in je instellingen). Meld je aan met een van je herstelcodes, of vraag de helpdesk om een backupcode; daarna stel je een nieuwe in.</translation>
    </message>
    <message>
        <source>Six-digit code</source>
        <translation>Zescijferige code</translation>
    </message>
    <message>
        <source>Recovery code</source>
        <translation>Herstelcode</translation>
    </message>
    <message>
        <source>Backup code</source>
        <translation>Backupcode</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Doorgaan</translation>
    </message>
    <message>
        <source>Use my security key</source>
        <translation>Mijn beveiligingssleutel gebruiken</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Terug</translation>
    </message>
    <message>
        <source>Use another method</source>
        <translation>Een andere methode gebruiken</translation>
    </message>
    <message>
        <source>6 digits</source>
        <translation>6 cijfers</translation>
    </message>
    <message>
        <source>The code, as on the sheet or slip</source>
        <translation>De code, zoals op het vel of het briefje</translation>
    </message>
    <message>
        <source>Sign in with:</source>
        <translation>Inloggen met:</translation>
    </message>
    <message>
        <source>My security key or Windows Hello</source>
        <translation>Mijn beveiligingssleutel of Windows Hello</translation>
    </message>
    <message>
        <source>A code from my authenticator app</source>
        <translation>Een code uit mijn authenticator-app</translation>
    </message>
    <message>
        <source>A recovery code</source>
        <translation>Een herstelcode</translation>
    </message>
    <message>
        <source>A backup code from the helpdesk</source>
        <translation>Een backupcode van de helpdesk</translation>
    </message>
</context>
<context>
    <name>SecurityKeyPanel</name>
    <message>
        <source>The key&apos;s PIN is set.</source>
        <translation>De pincode van de sleutel is ingesteld.</translation>
    </message>
    <message>
        <source>The key is erased. Under Verification methods, remove it and add it again; set its PIN first.</source>
        <translation>De sleutel is gewist. Verwijder hem bij Verificatiemethoden en voeg hem opnieuw toe; stel eerst een pincode in.</translation>
    </message>
    <message>
        <source>This key cannot hold a PIN.</source>
        <translation>Deze sleutel kan geen pincode bevatten.</translation>
    </message>
    <message>
        <source>Blocked after too many wrong tries: only erasing the key helps.</source>
        <translation>Geblokkeerd na te veel foute pogingen: alleen wissen van de sleutel helpt.</translation>
    </message>
    <message>
        <source>Not set. Set one (at least %1 characters) to register the key.</source>
        <translation>Niet ingesteld. Stel er een in (minstens %1 tekens) om de sleutel te registreren.</translation>
    </message>
    <message>
        <source>The key asks for a new PIN.</source>
        <translation>De sleutel vraagt om een nieuwe pincode.</translation>
    </message>
    <message>
        <source>Set.</source>
        <translation>Ingesteld.</translation>
    </message>
    <message numerus="yes">
        <source>Set; %n tries left before the key blocks it.</source>
        <translation>
            <numerusform>Ingesteld; nog %n poging voordat de sleutel hem blokkeert.</numerusform>
            <numerusform>Ingesteld; nog %n pogingen voordat de sleutel hem blokkeert.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 (not in the organisation&apos;s list of models)</source>
        <translation>%1 (niet in de lijst met modellen van de organisatie)</translation>
    </message>
    <message numerus="yes">
        <source>Room for %n more sign-ins.</source>
        <translation>
            <numerusform>Ruimte voor nog %n aanmelding.</numerusform>
            <numerusform>Ruimte voor nog %n aanmeldingen.</numerusform>
        </translation>
    </message>
    <message>
        <source>Yes: one touch opens My recovery codes.</source>
        <translation>Ja: één aanraking opent Mijn herstelcodes.</translation>
    </message>
    <message>
        <source>No: My recovery codes open with the printed vault key.</source>
        <translation>Nee: Mijn herstelcodes openen met de geprinte kluissleutel.</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>Ja</translation>
    </message>
    <message>
        <source>No</source>
        <translation>Nee</translation>
    </message>
    <message>
        <source>The security key plugged in: its PIN, the sign-ins stored on it and its fingerprints. Reading it needs no touch.</source>
        <translation>De beveiligingssleutel die erin zit: de pincode, de aanmeldingen die erop staan en de vingerafdrukken. Voor het uitlezen hoef je hem niet aan te raken.</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>Model:</translation>
    </message>
    <message>
        <source>PIN:</source>
        <translation>Pincode:</translation>
    </message>
    <message>
        <source>Sign-ins:</source>
        <translation>Aanmeldingen:</translation>
    </message>
    <message>
        <source>Opens My recovery codes:</source>
        <translation>Opent Mijn herstelcodes:</translation>
    </message>
    <message>
        <source>Fingerprint sensor:</source>
        <translation>Vingerafdruksensor:</translation>
    </message>
    <message>
        <source>Change the P&amp;IN…</source>
        <translation>P&amp;incode wijzigen…</translation>
    </message>
    <message>
        <source>Set a P&amp;IN…</source>
        <translation>P&amp;incode instellen…</translation>
    </message>
    <message>
        <source>&amp;Sign-ins on the key…</source>
        <translation>Aanmel&amp;dingen op de sleutel…</translation>
    </message>
    <message>
        <source>&amp;Fingerprints…</source>
        <translation>Vingera&amp;fdrukken…</translation>
    </message>
    <message>
        <source>&amp;Erase the key…</source>
        <translation>Sleutel wi&amp;ssen…</translation>
    </message>
    <message>
        <source>Read the key a&amp;gain</source>
        <translation>Sleutel opnieuw uit&amp;lezen</translation>
    </message>
</context>
<context>
    <name>SessionsPanel</name>
    <message>
        <source>%1 (this one)</source>
        <translation>%1 (deze)</translation>
    </message>
    <message>
        <source>password</source>
        <translation>wachtwoord</translation>
    </message>
    <message>
        <source>Sign out there</source>
        <translation>Daar afmelden</translation>
    </message>
    <message>
        <source>Sign out on %1? Whoever is there must sign in again.</source>
        <translation>Afmelden op %1? Wie daar zit, moet opnieuw inloggen.</translation>
    </message>
    <message>
        <source>Where your account is signed in now. Do you not recognise one, or did you leave a workstation signed in? Sign out there, and change your password if it was not you.</source>
        <translation>Waar je account nu is aangemeld. Herken je er een niet, of heb je een werkplek aangemeld laten staan? Meld daar af, en wijzig je wachtwoord als jij het niet was.</translation>
    </message>
    <message>
        <source>Workstation</source>
        <translation>Werkplek</translation>
    </message>
    <message>
        <source>Signed in</source>
        <translation>Aangemeld</translation>
    </message>
    <message>
        <source>Last used</source>
        <translation>Laatst gebruikt</translation>
    </message>
    <message>
        <source>With</source>
        <translation>Met</translation>
    </message>
    <message>
        <source>Where you are signed in</source>
        <translation>Waar je bent aangemeld</translation>
    </message>
    <message>
        <source>&amp;Sign out there…</source>
        <translation>Daar a&amp;fmelden…</translation>
    </message>
</context>
<context>
    <name>SetPinDialog</name>
    <message>
        <source>Working with your security key… touch it if it blinks.</source>
        <translation>Bezig met uw beveiligingssleutel… raak hem aan als hij knippert.</translation>
    </message>
    <message>
        <source>Change the PIN of your security key</source>
        <translation>De pincode van uw beveiligingssleutel wijzigen</translation>
    </message>
    <message>
        <source>Set a PIN on your security key</source>
        <translation>Een pincode instellen op uw beveiligingssleutel</translation>
    </message>
    <message>
        <source>Reading your security key…</source>
        <translation>Uw beveiligingssleutel wordt gelezen…</translation>
    </message>
    <message>
        <source>The key asks for this PIN when you register it or sign in with it. At least %1 characters; digits, letters or both.</source>
        <translation>De sleutel vraagt om deze pincode als u hem registreert of ermee inlogt. Minstens %1 tekens; cijfers, letters of beide.</translation>
    </message>
    <message>
        <source>Your security key asks for a new PIN.</source>
        <translation>Uw beveiligingssleutel vraagt om een nieuwe pincode.</translation>
    </message>
    <message>
        <source>&amp;Current PIN:</source>
        <translation>&amp;Huidige pincode:</translation>
    </message>
    <message>
        <source>&amp;New PIN:</source>
        <translation>&amp;Nieuwe pincode:</translation>
    </message>
    <message>
        <source>&amp;Repeat new PIN:</source>
        <translation>&amp;Herhaal nieuwe pincode:</translation>
    </message>
    <message>
        <source>Change PIN</source>
        <translation>Pincode wijzigen</translation>
    </message>
    <message>
        <source>Set PIN</source>
        <translation>Pincode instellen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuleren</translation>
    </message>
</context>
<context>
    <name>SetupWizard</name>
    <message>
        <source>No recovery codes yet</source>
        <translation>Nog geen herstelcodes</translation>
    </message>
    <message>
        <source>You have no recovery codes yet. Without them, a lost phone or key keeps you out until the helpdesk helps. Save them now?</source>
        <translation>Je hebt nog geen herstelcodes. Zonder herstelcodes kom je bij een verloren telefoon of sleutel niet binnen tot de helpdesk je helpt. Nu bewaren?</translation>
    </message>
    <message>
        <source>&amp;Save my codes</source>
        <translation>Mijn codes &amp;bewaren</translation>
    </message>
    <message>
        <source>Close &amp;without codes</source>
        <translation>Sluiten &amp;zonder codes</translation>
    </message>
    <message>
        <source>Set up two-step sign-in</source>
        <translation>Tweestapsverificatie instellen</translation>
    </message>
    <message>
        <source>&lt; &amp;Back</source>
        <translation>&lt; &amp;Terug</translation>
    </message>
    <message>
        <source>&amp;Next &gt;</source>
        <translation>&amp;Volgende &gt;</translation>
    </message>
    <message>
        <source>&amp;Finish</source>
        <translation>&amp;Voltooien</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuleren</translation>
    </message>
    <message>
        <source>&amp;Remind me later</source>
        <translation>&amp;Herinner me later</translation>
    </message>
</context>
<context>
    <name>SignInPage</name>
    <message>
        <source>Touch your security key now.</source>
        <translation>Raak je beveiligingssleutel nu aan.</translation>
    </message>
    <message>
        <source>Confirm it is you: PIN, fingerprint or face.</source>
        <translation>Bevestig dat jij het bent: pincode, vingerafdruk of gezicht.</translation>
    </message>
    <message>
        <source>Opening the sign-in database…</source>
        <translation>De inlogdatabase wordt geopend…</translation>
    </message>
    <message>
        <source>Enter your e-mail address and your password.</source>
        <translation>Vul je e-mailadres en je wachtwoord in.</translation>
    </message>
    <message>
        <source>Preparing your security key…</source>
        <translation>Je beveiligingssleutel wordt voorbereid…</translation>
    </message>
    <message numerus="yes">
        <source>Too many attempts. Try again in %n seconds.</source>
        <translation>
            <numerusform>Te veel pogingen. Probeer het over %n seconde opnieuw.</numerusform>
            <numerusform>Te veel pogingen. Probeer het over %n seconden opnieuw.</numerusform>
        </translation>
    </message>
    <message>
        <source>Too many attempts. Try again after %1.</source>
        <translation>Te veel pogingen. Probeer het opnieuw na %1.</translation>
    </message>
    <message>
        <source>Too many attempts: this account is locked until the helpdesk unlocks it. Call the helpdesk; they will check it is you first.</source>
        <translation>Te veel pogingen: dit account is geblokkeerd tot de helpdesk het vrijgeeft. Bel de helpdesk; die controleert eerst of jij het bent.</translation>
    </message>
    <message>
        <source>Too many attempts: this account is locked until %1. The helpdesk can unlock it sooner.</source>
        <translation>Te veel pogingen: dit account is geblokkeerd tot %1. De helpdesk kan het eerder vrijgeven.</translation>
    </message>
    <message>
        <source>This account is switched off. Ask the helpdesk for help.</source>
        <translation>Dit account staat uit. Vraag de helpdesk om hulp.</translation>
    </message>
    <message>
        <source>Your temporary password has expired. Ask the helpdesk for a new one.</source>
        <translation>Je tijdelijke wachtwoord is verlopen. Vraag de helpdesk om een nieuw.</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Inloggen</translation>
    </message>
    <message>
        <source>Sign in with the e-mail address and password you always use at work.</source>
        <translation>Log in met het e-mailadres en wachtwoord die je altijd op je werk gebruikt.</translation>
    </message>
    <message>
        <source>&amp;E-mail address:</source>
        <translation>&amp;E-mailadres:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Wachtwoord:</translation>
    </message>
    <message>
        <source>E-mail address</source>
        <translation>E-mailadres</translation>
    </message>
    <message>
        <source>name@example.com</source>
        <translation>naam@voorbeeld.nl</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Wachtwoord</translation>
    </message>
    <message>
        <source>Sign in with security key or fingerprint</source>
        <translation>Inloggen met beveiligingssleutel of vingerafdruk</translation>
    </message>
</context>
<context>
    <name>StartPage</name>
    <message>
        <source>Opening the sign-in database…</source>
        <translation>De inlogdatabase wordt geopend…</translation>
    </message>
    <message>
        <source>The sign-in database could not be opened</source>
        <translation>De inlogdatabase kon niet worden geopend</translation>
    </message>
    <message>
        <source>Tried again at %1 (%2 tries).</source>
        <translation>Opnieuw geprobeerd om %1 (%2 pogingen).</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>Opnieuw proberen</translation>
    </message>
</context>
<context>
    <name>StrengthMeter</name>
    <message>
        <source>Very weak</source>
        <translation>Zeer zwak</translation>
    </message>
    <message>
        <source>Weak</source>
        <translation>Zwak</translation>
    </message>
    <message>
        <source>Fair</source>
        <translation>Redelijk</translation>
    </message>
    <message>
        <source>Strong</source>
        <translation>Sterk</translation>
    </message>
    <message>
        <source>Very strong</source>
        <translation>Zeer sterk</translation>
    </message>
    <message>
        <source>Not accepted</source>
        <translation>Niet toegestaan</translation>
    </message>
    <message>
        <source>Password strength</source>
        <translation>Sterkte van het wachtwoord</translation>
    </message>
    <message>
        <source>Good: this password can be used.</source>
        <translation>Goed: dit wachtwoord kan gebruikt worden.</translation>
    </message>
</context>
<context>
    <name>TemporaryPasswordDialog</name>
    <message>
        <source>Sent to the printer.</source>
        <translation>Naar de printer gestuurd.</translation>
    </message>
    <message>
        <source>Could not print.</source>
        <translation>Afdrukken is niet gelukt.</translation>
    </message>
    <message>
        <source>Temporary password</source>
        <translation>Tijdelijk wachtwoord</translation>
    </message>
    <message>
        <source>Give %1 this temporary password. It is shown only now; at the first sign-in they choose their own.</source>
        <translation>Geef %1 dit tijdelijke wachtwoord. Het is alleen nu zichtbaar; bij de eerste keer inloggen kiezen ze een eigen wachtwoord.</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Kopiëren</translation>
    </message>
    <message>
        <source>&amp;Print…</source>
        <translation>&amp;Afdrukken…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Sluiten</translation>
    </message>
</context>
<context>
    <name>UsersModel</name>
    <message>
        <source>none</source>
        <translation>geen</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nooit</translation>
    </message>
    <message>
        <source>exempt</source>
        <translation>vrijgesteld</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Naam</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rol</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Methods</source>
        <translation>Methoden</translation>
    </message>
    <message>
        <source>Last sign-in</source>
        <translation>Laatst ingelogd</translation>
    </message>
    <message>
        <source>Set up by</source>
        <translation>Uiterste datum</translation>
    </message>
    <message>
        <source>administrator</source>
        <translation>beheerder</translation>
    </message>
    <message>
        <source>employee</source>
        <translation>medewerker</translation>
    </message>
    <message>
        <source>active</source>
        <translation>actief</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>uitgeschakeld</translation>
    </message>
    <message>
        <source>locked</source>
        <translation>geblokkeerd</translation>
    </message>
    <message>
        <source>temporary password expired</source>
        <translation>tijdelijk wachtwoord verlopen</translation>
    </message>
</context>
<context>
    <name>UsersView</name>
    <message numerus="yes">
        <source>%Ln users</source>
        <translation>
            <numerusform>%Ln gebruiker</numerusform>
            <numerusform>%Ln gebruikers</numerusform>
        </translation>
    </message>
    <message>
        <source>Disable %1? They can no longer sign in.</source>
        <translation>%1 uitschakelen? Die kan dan niet meer inloggen.</translation>
    </message>
    <message>
        <source>Disable account</source>
        <translation>Account uitschakelen</translation>
    </message>
    <message>
        <source>Give %1 a new temporary password? Their current password stops working.</source>
        <translation>%1 een nieuw tijdelijk wachtwoord geven? Het huidige wachtwoord werkt dan niet meer.</translation>
    </message>
    <message>
        <source>Reset password</source>
        <translation>Wachtwoord opnieuw instellen</translation>
    </message>
    <message>
        <source>Make %1 an administrator? They can then change every account and the policy.</source>
        <translation>%1 beheerder maken? Die kan dan elk account en het beleid wijzigen.</translation>
    </message>
    <message>
        <source>Make %1 an employee again? They lose the administration.</source>
        <translation>%1 weer medewerker maken? Het beheer vervalt dan.</translation>
    </message>
    <message>
        <source>Change role</source>
        <translation>Rol wijzigen</translation>
    </message>
    <message>
        <source>Their open sessions end.</source>
        <translation>Hun open sessies worden beëindigd.</translation>
    </message>
    <message>
        <source>Search by e-mail or name…</source>
        <translation>Zoeken op e-mail of naam…</translation>
    </message>
    <message>
        <source>Search users</source>
        <translation>Gebruikers zoeken</translation>
    </message>
    <message>
        <source>One or two letters find addresses and name words that start with them; three or more find them anywhere.</source>
        <translation>Eén of twee letters vinden adressen en woorden in namen die ermee beginnen; drie of meer vinden ze overal.</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Gebruikers</translation>
    </message>
    <message>
        <source>&amp;New user…</source>
        <translation>&amp;Nieuwe gebruiker…</translation>
    </message>
    <message>
        <source>&amp;Enable</source>
        <translation>&amp;Inschakelen</translation>
    </message>
    <message>
        <source>Disabl&amp;e…</source>
        <translation>&amp;Uitschakelen…</translation>
    </message>
    <message>
        <source>Unloc&amp;k</source>
        <translation>&amp;Deblokkeren</translation>
    </message>
    <message>
        <source>&amp;Reset password…</source>
        <translation>&amp;Wachtwoord opnieuw instellen…</translation>
    </message>
    <message>
        <source>&amp;Backup code…</source>
        <translation>Bac&amp;kupcode…</translation>
    </message>
    <message>
        <source>&amp;Methods…</source>
        <translation>&amp;Methoden…</translation>
    </message>
    <message>
        <source>R&amp;ole</source>
        <translation>&amp;Rol</translation>
    </message>
    <message>
        <source>End e&amp;xemption</source>
        <translation>&amp;Vrijstelling beëindigen</translation>
    </message>
    <message>
        <source>E&amp;xempt</source>
        <translation>&amp;Vrijstellen</translation>
    </message>
    <message>
        <source>Dead&amp;line…</source>
        <translation>Uiterste da&amp;tum…</translation>
    </message>
    <message>
        <source>&amp;Import users…</source>
        <translation>Gebruikers &amp;importeren…</translation>
    </message>
    <message>
        <source>S&amp;witch off old methods…</source>
        <translation>Oude methoden uit&amp;zetten…</translation>
    </message>
</context>
<context>
    <name>VaultDialog</name>
    <message>
        <source>Touch your security key now.</source>
        <translation>Raak je beveiligingssleutel nu aan.</translation>
    </message>
    <message>
        <source>Which security key?</source>
        <translation>Welke beveiligingssleutel?</translation>
    </message>
    <message>
        <source>Security key:</source>
        <translation>Beveiligingssleutel:</translation>
    </message>
    <message>
        <source>Printed vault recovery key</source>
        <translation>Geprinte kluisherstelsleutel</translation>
    </message>
    <message>
        <source>Type the key from your sheet (8 groups of 5):</source>
        <translation>Typ de sleutel over van je vel (8 groepen van 5):</translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation>&amp;Openen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuleren</translation>
    </message>
    <message>
        <source>Signed in again. Try once more.</source>
        <translation>Opnieuw aangemeld. Probeer het nog een keer.</translation>
    </message>
    <message>
        <source>desktop-auth (this sign-in)</source>
        <translation>desktop-auth (deze aanmelding)</translation>
    </message>
    <message>
        <source>(used up)</source>
        <translation>(op)</translation>
    </message>
    <message>
        <source>(running low)</source>
        <translation>(bijna op)</translation>
    </message>
    <message>
        <source>desktop-auth recovery codes</source>
        <translation>Herstelcodes van desktop-auth</translation>
    </message>
    <message>
        <source>You have no recovery codes for signing in here. Make them under My security settings.</source>
        <translation>Je hebt geen herstelcodes om hier in te loggen. Maak ze bij Mijn beveiligingsinstellingen.</translation>
    </message>
    <message>
        <source>%1 of %2 left, made on %3. They are kept as hashes: not even the vault can show them.</source>
        <translation>%1 van %2 over, gemaakt op %3. Ze worden als hash bewaard: zelfs de kluis kan ze niet tonen.</translation>
    </message>
    <message>
        <source>Account: %1</source>
        <translation>Account: %1</translation>
    </message>
    <message>
        <source>Added %1, changed %2</source>
        <translation>Toegevoegd %1, gewijzigd %2</translation>
    </message>
    <message>
        <source>Every code is used. Make new codes at the service and paste them here.</source>
        <translation>Alle codes zijn gebruikt. Maak nieuwe codes aan bij de dienst en plak ze hier.</translation>
    </message>
    <message>
        <source>%1 — used %2</source>
        <translation>%1 — gebruikt %2</translation>
    </message>
    <message>
        <source>That code is used already: pick an unused one.</source>
        <translation>Die code is al gebruikt: kies een ongebruikte.</translation>
    </message>
    <message>
        <source>Copied and marked used. The clipboard is cleared in %1 seconds.</source>
        <translation>Gekopieerd en als gebruikt gemarkeerd. Het klembord wordt over %1 seconden leeggemaakt.</translation>
    </message>
    <message>
        <source>Remove entry</source>
        <translation>Item verwijderen</translation>
    </message>
    <message>
        <source>Remove “%1” and its codes from the vault? They cannot be brought back.</source>
        <translation>‘%1’ en de codes ervan uit de kluis verwijderen? Ze zijn daarna niet terug te halen.</translation>
    </message>
    <message>
        <source>Sent to the printer.</source>
        <translation>Naar de printer gestuurd.</translation>
    </message>
    <message>
        <source>Could not print.</source>
        <translation>Afdrukken is niet gelukt.</translation>
    </message>
    <message>
        <source>Each of your security keys opens the vault already. Add a key under My security settings first.</source>
        <translation>Al je beveiligingssleutels openen de kluis al. Voeg eerst een sleutel toe bij Mijn beveiligingsinstellingen.</translation>
    </message>
    <message>
        <source>That key opens the vault too now.</source>
        <translation>Die sleutel opent de kluis nu ook.</translation>
    </message>
    <message>
        <source>New printed vault recovery key</source>
        <translation>Nieuwe geprinte kluisherstelsleutel</translation>
    </message>
    <message>
        <source>You get a new sheet, and your vault a new key: the old sheet opens nothing from now on. Touch one of your security keys for it; your other keys can be added again afterwards.</source>
        <translation>Je krijgt een nieuw blad, en je kluis een nieuwe sleutel: het oude blad opent vanaf nu niets meer. Raak hiervoor een van je beveiligingssleutels aan; je andere sleutels kun je daarna weer toevoegen.</translation>
    </message>
    <message>
        <source>Your new printed key and a new vault key are in place.</source>
        <translation>Je nieuwe geprinte sleutel en een nieuwe kluissleutel zijn ingesteld.</translation>
    </message>
    <message>
        <source>These keys no longer open the vault until you add them again: %1</source>
        <translation>Deze sleutels openen de kluis pas weer als je ze opnieuw toevoegt: %1</translation>
    </message>
    <message>
        <source>Opens with: %1, and your printed vault recovery key.</source>
        <translation>Gaat open met: %1, en je geprinte kluisherstelsleutel.</translation>
    </message>
    <message>
        <source>no security key</source>
        <translation>geen beveiligingssleutel</translation>
    </message>
    <message>
        <source>Add a security key: until then no new codes can be kept.</source>
        <translation>Voeg een beveiligingssleutel toe: tot dan kunnen er geen nieuwe codes worden bewaard.</translation>
    </message>
    <message>
        <source>Your organisation can open your vault too, but only two administrators together, and you get an e-mail if they do.</source>
        <translation>Je organisatie kan je kluis ook openen, maar alleen twee beheerders samen, en je krijgt een e-mail als ze dat doen.</translation>
    </message>
    <message>
        <source>Services such as Microsoft, Google or GitHub give you recovery codes for when your phone is lost. Keep them here: they are locked with your own security key, and with a vault recovery key you print.</source>
        <translation>Diensten als Microsoft, Google of GitHub geven je herstelcodes voor als je telefoon kwijt is. Bewaar ze hier: ze zijn afgesloten met je eigen beveiligingssleutel, en met een kluisherstelsleutel die je afdrukt.</translation>
    </message>
    <message>
        <source>Nobody else can read them, not even the helpdesk.</source>
        <translation>Niemand anders kan ze lezen, ook de helpdesk niet.</translation>
    </message>
    <message>
        <source>My recovery codes</source>
        <translation>Mijn herstelcodes</translation>
    </message>
    <message numerus="yes">
        <source>Only %n codes left. Make new codes at the service soon.</source>
        <translation>
            <numerusform>Nog maar %n code over. Maak binnenkort nieuwe codes aan bij de dienst.</numerusform>
            <numerusform>Nog maar %n codes over. Maak binnenkort nieuwe codes aan bij de dienst.</numerusform>
        </translation>
    </message>
    <message>
        <source>The helpdesk opened your vault with the organisation&apos;s escrow on %1, so it knows the vault&apos;s key. Make a new printed key now: then only you hold it.</source>
        <translation>De helpdesk heeft je kluis op %1 geopend met de escrow van de organisatie en kent dus de sleutel van de kluis. Maak nu een nieuwe geprinte sleutel: dan heb alleen jij hem.</translation>
    </message>
    <message>
        <source>A way into your vault was removed on %1, but the vault&apos;s key is still the same: with a copy of the store from before, a lost key still opens it. Make a new printed key now: then the removed one opens nothing.</source>
        <translation>Op %1 is een manier om je kluis te openen verwijderd, maar de sleutel van de kluis is nog dezelfde: met een kopie van de opslag van daarvoor opent een verloren sleutel haar nog. Maak nu een nieuwe geprinte sleutel: dan opent de verwijderde niets meer.</translation>
    </message>
    <message>
        <source>Keep your recovery codes safe here</source>
        <translation>Bewaar je herstelcodes hier veilig</translation>
    </message>
    <message>
        <source>The vault opens with a security key or Windows Hello. Add one under My security settings first.</source>
        <translation>De kluis gaat open met een beveiligingssleutel of Windows Hello. Voeg er eerst een toe bij Mijn beveiligingsinstellingen.</translation>
    </message>
    <message>
        <source>&amp;Set up the vault…</source>
        <translation>Kluis &amp;instellen…</translation>
    </message>
    <message>
        <source>Your vault is locked</source>
        <translation>Je kluis is vergrendeld</translation>
    </message>
    <message>
        <source>Open it with one touch of your security key, or with the vault recovery key you printed.</source>
        <translation>Open hem door je beveiligingssleutel aan te raken, of met de kluisherstelsleutel die je hebt afgedrukt.</translation>
    </message>
    <message>
        <source>&amp;Open with my security key</source>
        <translation>&amp;Openen met mijn beveiligingssleutel</translation>
    </message>
    <message>
        <source>Use the &amp;printed vault recovery key…</source>
        <translation>&amp;Geprinte kluisherstelsleutel gebruiken…</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Zoeken</translation>
    </message>
    <message>
        <source>Search the vault</source>
        <translation>In de kluis zoeken</translation>
    </message>
    <message>
        <source>Services in your vault</source>
        <translation>Diensten in je kluis</translation>
    </message>
    <message>
        <source>Codes of this service</source>
        <translation>Codes van deze dienst</translation>
    </message>
    <message>
        <source>&amp;Copy and mark used</source>
        <translation>&amp;Kopiëren en als gebruikt markeren</translation>
    </message>
    <message>
        <source>&amp;New entry…</source>
        <translation>&amp;Nieuw item…</translation>
    </message>
    <message>
        <source>C&amp;hange…</source>
        <translation>&amp;Wijzigen…</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Verwijderen</translation>
    </message>
    <message>
        <source>&amp;Print…</source>
        <translation>&amp;Afdrukken…</translation>
    </message>
    <message>
        <source>Add a &amp;key…</source>
        <translation>&amp;Sleutel toevoegen…</translation>
    </message>
    <message>
        <source>Ne&amp;w printed key…</source>
        <translation>Nieuwe geprinte s&amp;leutel…</translation>
    </message>
    <message>
        <source>Your organisation&apos;s policy names an escrow key this workstation was not set up to trust. Your vault opens, but it cannot be set up or given a new printed key here, and nothing is sealed to that key. Tell IT.</source>
        <translation>Het beleid van je organisatie noemt een escrowsleutel die deze werkplek niet vertrouwt. Je kluis gaat open, maar kan hier niet worden ingesteld of een nieuwe geprinte sleutel krijgen, en er wordt niets met die sleutel verzegeld. Meld het bij IT.</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Sluiten</translation>
    </message>
</context>
<context>
    <name>Vocabulary</name>
    <message>
        <source>Security key</source>
        <translation>Beveiligingssleutel</translation>
    </message>
    <message>
        <source>Windows Hello (face or fingerprint)</source>
        <translation>Windows Hello (gezicht of vingerafdruk)</translation>
    </message>
    <message>
        <source>Authenticator app</source>
        <translation>Authenticator-app</translation>
    </message>
    <message>
        <source>Security key or Windows Hello</source>
        <translation>Beveiligingssleutel of Windows Hello</translation>
    </message>
    <message>
        <source>Recovery code</source>
        <translation>Herstelcode</translation>
    </message>
    <message>
        <source>Backup code</source>
        <translation>Backupcode</translation>
    </message>
</context>
</TS>
