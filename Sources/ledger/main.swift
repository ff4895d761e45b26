import LedgerCommands

LedgerCommand.main()
